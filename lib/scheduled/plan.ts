import { isMap, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import { PLAN_NAME_PATTERN, PlanError, type ScheduledPlan, scheduledPlanSchema } from './plan-schema.ts';

export { PlanError };

/**
 * Reading plan files: YAML or JSON (JSON is read as YAML, so both report errors with line numbers). Used
 * when testing and packaging, and by the local stack; the deployed function reads plans compiled to JSON.
 */

/** The YAML node at a path, or the nearest ancestor that exists (for a missing key, its parent). */
function nodeAt(root: Node | null | undefined, path: PropertyKey[]): Node | null | undefined {
  let node = root;
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find((item) => (item.key as { value?: unknown } | null)?.value === segment);
      if (!pair) return node;
      // An unknown key is best reported at the key itself.
      node = (pair.value as Node | null) ?? (pair.key as Node);
    } else if (isSeq(node)) {
      const item = node.items[Number(segment)] as Node | undefined;
      if (!item) return node;
      node = item;
    } else {
      return node;
    }
  }
  return node;
}

/** Parses and validates a plan file; every problem is reported as `file:line: field message`. */
export function parsePlan(fileName: string, text: string): ScheduledPlan {
  const lines = new LineCounter();
  const document = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const where = (offset: number | undefined) => `${fileName}:${offset === undefined ? 1 : lines.linePos(offset).line}`;
  if (document.errors.length > 0) {
    throw new PlanError(document.errors.map((error) => `${where(error.pos[0])}: ${error.message.split('\n')[0]}`).join('\n'));
  }
  const parsed = scheduledPlanSchema.safeParse(document.toJS());
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    const path = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0] ?? ''] : issue.path;
    const field = path.map(String).join('.') || 'plan';
    const message = issue.code === 'unrecognized_keys' ? `is not a known field (${issue.keys.join(', ')})` : issue.message;
    return `${where(nodeAt(document.contents, path)?.range?.[0])}: ${field} ${message}`;
  });
  throw new PlanError(problems.join('\n'));
}

export function planNameOf(fileName: string): string {
  const name = fileName.replace(/^.*[\\/]/, '').replace(/\.(ya?ml|json)$/i, '');
  if (!PLAN_NAME_PATTERN.test(name)) throw new PlanError(`${fileName}: a plan's file name must be letters, digits, "_" and "-" (up to 64), then .yaml, .yml or .json`);
  return name;
}
