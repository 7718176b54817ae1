/**
 * Who made which AWS call. The local endpoint counts calls by '<service>.<Action>' only, so each phase is
 * arranged so that an action tells its caller: the functions under test never call these three, while
 * Lambda's SQS event source mapping (emulated locally) and the bench itself do.
 */
export const NOT_BY_THE_FUNCTIONS: Readonly<Record<string, string>> = {
  'sqs.ReceiveMessage': "Lambda's event source mapping polling the orders queue, and the bench's outcome tap",
  'sqs.DeleteMessageBatch': "Lambda's event source mapping deleting processed messages, and the bench's outcome tap",
  'sqs.SendMessageBatch': 'the bench enqueuing orders',
};

export type Calls = Record<string, number>;

/** Splits counted calls into the function's own and those excluded by NOT_BY_THE_FUNCTIONS. */
export function attribute(calls: Calls): { own: Calls; excluded: Calls } {
  const own: Calls = {};
  const excluded: Calls = {};
  for (const [call, count] of Object.entries(calls)) (call in NOT_BY_THE_FUNCTIONS ? excluded : own)[call] = count;
  return { own, excluded };
}

export const total = (calls: Calls): number => Object.values(calls).reduce((sum, count) => sum + count, 0);

/** Calls per order by service ('dynamodb', 'sns', ...). */
export function perOrderByService(calls: Calls, orders: number): Record<string, number> {
  const services: Record<string, number> = {};
  for (const [call, count] of Object.entries(calls)) {
    const service = call.split('.')[0] ?? call;
    services[service] = (services[service] ?? 0) + count / orders;
  }
  return services;
}
