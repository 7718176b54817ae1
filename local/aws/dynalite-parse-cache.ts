import { createRequire } from 'node:module';

/**
 * dynalite parses every expression of every call with PEG parsers (UpdateExpression, ConditionExpression...),
 * which is most of its CPU: about 10 ms for the ledger's claim on a free core, so a batch of claims waits on the
 * emulator for 100 ms and more. The pipeline repeats a few expressions with different values, so each parse is
 * kept by its expression, its attribute names and its values' types, with the values left as placeholders, and
 * a repeat gets a copy with its own values in. The parser's value-dependent checks (a BETWEEN whose bounds are
 * reversed, two equal operands) then run only on an expression's first parse: requests that only these would
 * refuse are not what the local stack is for. Local only.
 */
interface ParseContext {
  attrNames?: Record<string, string>;
  attrVals?: Record<string, object>;
  unusedAttrNames: Record<string, boolean>;
  unusedAttrVals: Record<string, boolean>;
  isKeyCondition?: boolean;
}

interface Parser {
  parse(expression: string, options: { context: ParseContext }): unknown;
}

interface Parsed {
  /** The parse, each value replaced by { [VALUE]: its name }. */
  template: unknown;
  usedNames: string[];
  usedValues: string[];
}

const VALUE = Symbol('expression attribute value');
const MAX_ENTRIES = 10_000;
const PARSERS = ['updateParser', 'conditionParser', 'projectionParser'];
let installed = false;

/** A deep copy of `node`; `swap` may replace any object (a value by its placeholder, or back). */
function copy(node: unknown, swap: (object: object) => unknown): unknown {
  if (node === null || typeof node !== 'object') return node;
  const swapped = swap(node);
  if (swapped !== undefined) return swapped;
  if (Array.isArray(node)) return node.map((item) => copy(item, swap));
  const result = Object.create(Object.getPrototypeOf(node)) as Record<string, unknown>;
  for (const [key, value] of Object.entries(node)) result[key] = copy(value, swap);
  return result;
}

function keyOf(expression: string, context: ParseContext): string {
  const types = Object.entries(context.attrVals ?? {}).map(([name, value]) => `${name}:${Object.keys(value).join()}`);
  return `${expression}\u0000${JSON.stringify(context.attrNames ?? {})}\u0000${types.join(',')}\u0000${context.isKeyCondition ? 'key' : ''}`;
}

function cached(parser: Parser): Parser['parse'] {
  const original = parser.parse.bind(parser);
  const parses = new Map<string, Parsed>();
  return (expression, options) => {
    const { context } = options;
    const key = keyOf(expression, context);
    const hit = parses.get(key);
    if (hit) {
      for (const name of hit.usedNames) delete context.unusedAttrNames[name];
      for (const name of hit.usedValues) delete context.unusedAttrVals[name];
      const values = context.attrVals ?? {};
      return copy(hit.template, (object) => (VALUE in object ? values[(object as { [VALUE]: string })[VALUE]] : undefined));
    }
    const unusedNames = Object.keys(context.unusedAttrNames);
    const unusedValues = Object.keys(context.unusedAttrVals);
    const result = original(expression, options);
    // An error comes back as a message (or is thrown): only good parses are kept.
    if (result === null || typeof result !== 'object') return result;
    const names = new Map(Object.entries(context.attrVals ?? {}).map(([name, value]) => [value as object, name]));
    if (parses.size >= MAX_ENTRIES) parses.clear();
    parses.set(key, {
      template: copy(result, (object) => (names.has(object) ? { [VALUE]: names.get(object) } : undefined)),
      usedNames: unusedNames.filter((name) => !(name in context.unusedAttrNames)),
      usedValues: unusedValues.filter((name) => !(name in context.unusedAttrVals)),
    });
    return result;
  };
}

/** Puts the cache in front of dynalite's parsers, once per process (they are shared CommonJS modules). */
export function cacheDynaliteParses(): void {
  if (installed) return;
  installed = true;
  const require = createRequire(import.meta.url);
  for (const name of PARSERS) {
    const parser = require(`dynalite/db/${name}`) as Parser;
    parser.parse = cached(parser);
  }
}
