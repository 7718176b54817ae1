/** Splits items into consecutive groups of at most `size`: the shape of every AWS batch call (10 for SQS and SNS, 100 for BatchGetItem). */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const groups: T[][] = [];
  for (let i = 0; i < items.length; i += size) groups.push(items.slice(i, i + size));
  return groups;
}
