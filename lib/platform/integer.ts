/**
 * The one integer reader for configuration, the local stack's environment and CLI options: decimal digits
 * only (no sign, exponent, hex or fraction), within [min, max]. Out of range is an error, never clamped.
 */
export function integerIn(raw: string, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
  const text = raw.trim();
  if (!/^\d+$/.test(text)) return undefined;
  const value = Number(text);
  return Number.isSafeInteger(value) && value >= min && value <= max ? value : undefined;
}

/** How an error names the range integerIn accepts. */
export function integerRange(min: number, max = Number.MAX_SAFE_INTEGER): string {
  if (max === Number.MAX_SAFE_INTEGER) return min === 0 ? 'a non-negative integer' : min === 1 ? 'a positive integer' : `an integer of at least ${min}`;
  return `an integer from ${min} to ${max}`;
}
