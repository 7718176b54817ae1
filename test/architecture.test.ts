import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cruise, type ICruiseResult } from 'dependency-cruiser';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';
import { describe, expect, it } from 'vitest';

/** The import rules of .dependency-cruiser.cjs, over the real tree and over a fixture that breaks each of them. */
async function cruiseWithRules(paths: string[], baseDir?: string): Promise<ICruiseResult> {
  const options = await extractDepcruiseOptions('./.dependency-cruiser.cjs');
  const { output } = await cruise(paths, { ...options, ...(baseDir ? { baseDir } : {}), validate: true });
  return output as ICruiseResult;
}

const violations = (result: ICruiseResult) => result.summary.violations.map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`).sort();

describe('import rules', () => {
  it('hold over functions/, lib/, local/, bin/ and bench/', async () => {
    const result = await cruiseWithRules(['functions', 'lib', 'local', 'bin', 'bench']);
    // The TypeScript sources were read (not skipped for want of a parser): the worker's entry point reaches its wiring.
    const worker = result.modules.find((module) => module.source === 'functions/order-worker.ts');
    expect(worker?.dependencies.map((dependency) => dependency.resolved)).toContain('lib/worker/wiring.ts');
    expect(result.summary.totalCruised).toBeGreaterThan(100);
    expect(violations(result)).toEqual([]);
  }, 60_000);

  it('catch each kind of violation', async () => {
    const result = await cruiseWithRules(['functions', 'lib', 'local'], 'test/fixtures/architecture');
    expect(violations(result)).toEqual([
      'lib-imports-no-functions-or-local: lib/order/leaky.ts -> local/stack.ts',
      'nothing-deployed-imports-local-or-cli: functions/handler.ts -> lib/cli/main.ts',
      'nothing-deployed-imports-local-or-cli: functions/handler.ts -> local/stack.ts',
      'pure-order-logic-imports-no-edge: lib/order/leaky.ts -> @aws-lambda-powertools/logger',
      'pure-order-logic-imports-no-edge: lib/order/leaky.ts -> http',
      'worker-logic-takes-its-logger: lib/worker/logs-itself.ts -> @aws-lambda-powertools/logger',
    ]);
  }, 60_000);
});

describe('the functions', () => {
  const files = readdirSync('functions').filter((name) => name.endsWith('.ts'));

  it.each(files)('functions/%s is wired as every other: its configuration, composed, in one middy stack', (name) => {
    const code = readFileSync(join('functions', name), 'utf8');
    // handler = <area>Function(create<Area>Dependencies(<area>Config())): nothing else is done at load.
    const statements = code.split('\n').filter((line) => line.trim() !== '' && !/^\s*(import |\/\*\*|\*|\/\/)/.test(line));
    expect(statements).toEqual([expect.stringMatching(/^export const handler = \w+Function\(create\w+Dependencies\(\w+Config\(\)\)\);$/)]);
  });
});
