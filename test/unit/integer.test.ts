import { describe, expect, it } from 'vitest';
import { integerIn, integerRange } from '../../lib/platform/integer.ts';

describe('integerIn', () => {
  it('reads decimal digits within the range', () => {
    expect(integerIn('0', 0)).toBe(0);
    expect(integerIn(' 42 ', 1, 100)).toBe(42);
    expect(integerIn('65535', 0, 65535)).toBe(65535);
  });

  it('refuses what is out of range instead of clamping it', () => {
    expect(integerIn('0', 1)).toBeUndefined();
    expect(integerIn('65536', 0, 65535)).toBeUndefined();
    expect(integerIn('9007199254740993', 0)).toBeUndefined();
  });

  it('refuses anything but plain digits', () => {
    for (const raw of ['', ' ', '-1', '+1', '1.5', '1e3', '0x10', '10s', 'Infinity']) expect(integerIn(raw, 0), raw).toBeUndefined();
  });

  it('names its range in errors', () => {
    expect(integerRange(0)).toBe('a non-negative integer');
    expect(integerRange(1)).toBe('a positive integer');
    expect(integerRange(1, 50)).toBe('an integer from 1 to 50');
  });
});
