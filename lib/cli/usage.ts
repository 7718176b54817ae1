/** The CLI's help texts. */

const SUBMIT = `hostinger-orders submit <file> [options]

  Sends every order of a file to the orders queue, or checks them (--dry-run). Every line is validated
  first, then checked against the Hostinger catalog and payment methods: if any has a problem, each
  problem is printed as file:line and nothing is sent.

  File formats, by extension:
    .json            an array of orders: [{"items": [{"item_id": "…", "quantity": 1}]}, …]
    .jsonl, .ndjson  one order per line
    .csv             a header row, then one item per row. Columns: item_id (required), quantity,
                     payment_method_id, coupons (separated by ";"), requestId, group (rows with the
                     same group make one order with several items). Quote values containing commas.

  Orders are known by their content: each gets the request id <batch>:<order hash>-<n> (n counts identical
  orders; a line's own requestId wins), so sending a file again never buys twice: the pipeline dedupes by
  request id. Orders the queue confirmed are recorded in .hostinger-orders/batches/<batch>.json, and a
  file sent before continues its batch: running it again, edited or not, sends only orders not sent yet
  (an interrupted run is resumed the same way). A new batch is named after the file plus a random part.

  --target local|aws|<queue-url>  where to send: the local stack (default: the one npm start recorded in
                                  ./.hostinger-orders/local.json, else http://127.0.0.1:$LOCAL_AWS_PORT or
                                  4566), or a deployed queue with your AWS credentials
                                  (aws: the queue in ORDERS_QUEUE_URL)
  --batch <name>                  the batch name (letters, digits, ".", "_", "-")
  --new-batch                     buy the file's orders again, as a new batch
  --concurrency N                 SendMessageBatch calls in flight (default 8, 10 orders each)
  --format json|jsonl|csv         the file's format, when its extension does not tell
  --state-dir <dir>               where progress files go (default ./.hostinger-orders)

  --no-catalog-check              send without first checking the orders against the Hostinger catalog
                                  and payment methods (by default a line that would be refused stops
                                  the run, naming its line and field; the API and token are found as
                                  for --dry-run)
  --dry-run                       send nothing: check every item_id against the Hostinger catalog and the
                                  payment methods (exists, not expired, not suspended; cards may need
                                  3-D Secure), and print what would be bought with totals per currency
  --api-url <url>                 the Hostinger API for the catalog check and --dry-run (or
                                  HOSTINGER_API_URL). Locally: the sandbox npm start recorded; deployed:
                                  https://developers.hostinger.com by default
  --token-secret <id>             deployed: the secret holding the API token (or
                                  HOSTINGER_TOKEN_SECRET_ID); HOSTINGER_API_TOKEN wins when set; locally
                                  the stack's own secret is read
  --refresh-catalog               read the catalog again instead of the cached copy (cached 10 minutes,
                                  CATALOG_CACHE_SECONDS)

  Exit status: 0 all sent (or the dry run found no problem); 1 lines with problems or not sent;
  2 a usage error; 130 interrupted.`;

const STATUS = `hostinger-orders status <requestId> [options]
hostinger-orders status --batch <name> [options]

  Where requests stand, from the ledger. One request prints what GET /orders/{requestId} answers; a
  batch prints counts by status and every request that did not succeed.

  --batch <name>              every request of a batch (its ids come from the batch's progress file)
  --file <file>               without a progress file: the request ids the file's orders have in the
                              batch (--format json|jsonl|csv when the extension does not tell)
  --json                      the batch as JSON, every request included
  --target local|aws          the local stack (default), or the deployed table
  --table <name>              the deployed ledger table (implies --target aws; or ORDERS_TABLE)
  --state-dir <dir>           where progress files are (default ./.hostinger-orders)`;

const FOLLOW = `hostinger-orders follow [options]

  Prints one line per outcome (and scheduled batch run event) as it is published, until Ctrl-C. A
  temporary queue is subscribed to the outcomes topic, and removed with its subscription on exit.

  --type <type>               only this type (repeatable): order.succeeded, order.pending,
                              order.rejected, order.failed, order.unknown, and the scheduled runs'
                              batch.enqueued, batch.completed
  --batch <name>              only the requests of this batch (a submitted file's), as its progress file
                              records them (follow may start before submit); first prints the outcomes
                              its requests already have in the ledger
  --table <name>              deployed: the ledger table for those outcomes (or ORDERS_TABLE)
  --target local|aws          the local stack (default), or the deployed topic
  --topic-arn <arn>           the deployed outcomes topic (implies --target aws; or OUTCOMES_TOPIC_ARN)
  --state-dir <dir>           where progress files are (default ./.hostinger-orders)`;

const REDRIVE = `hostinger-orders redrive [options]

  Moves dead-lettered orders back to the orders queue. Each keeps its request id, so none is bought twice.

  --target local|aws          the local stack (default), or deployed queues
  --queue-url <url>           the deployed orders queue (implies --target aws; or ORDERS_QUEUE_URL)
  --dlq-url <url>             the deployed dead-letter queue (or ORDERS_DLQ_URL)
  --limit N                   move at most N messages`;

const ORDER_API = `  --api-url <url>    the order API (or ORDER_API_URL); by default the one npm start recorded in
                     ./.hostinger-orders/local.json. Deployed in jwt mode the bearer token is read from
                     ORDER_API_TOKEN (iam mode needs SigV4-signed requests: use a SigV4 HTTP client)
  --as <caller>      local stack only: act as this caller (an IAM ARN or a JWT subject)`;

const BUDGET = `hostinger-orders budget [options]

  Every budget of the spending policy (spending-policy.json): used, limit and left, as GET /budget
  answers (docs/spending-policy.md).

${ORDER_API}
  --json             print the answer as JSON`;

const DECIDE = (action: string, effect: string) => `hostinger-orders ${action} <requestId> [options]

  ${effect} an order that waits for approval (POST /orders/{requestId}/${action}); who decided is recorded.
  Nobody approves their own order unless the spending policy allows it.

${ORDER_API}
  --reason <text>    why (up to 500 characters), recorded with the decision`;

export const COMMAND_HELP: Record<string, string> = {
  submit: SUBMIT,
  status: STATUS,
  follow: FOLLOW,
  redrive: REDRIVE,
  budget: BUDGET,
  approve: DECIDE('approve', 'Approves'),
  deny: DECIDE('deny', 'Denies'),
};

export const USAGE = `hostinger-orders: bulk orders for the hostinger-orders pipeline

Usage:
  hostinger-orders submit <file> [--target local|aws|<queue-url>] [--dry-run] [--batch <name>] [--concurrency N]
  hostinger-orders status <requestId> | --batch <name>
  hostinger-orders follow [--type order.failed ...] [--batch <name>]
  hostinger-orders redrive [--queue-url <url> --dlq-url <url>]
  hostinger-orders budget | approve <requestId> | deny <requestId> [--api-url <url>]
  hostinger-orders help [command]

Examples:
  npx hostinger-orders submit orders.csv --dry-run --api-url http://127.0.0.1:34153
  npx hostinger-orders submit orders.csv
  npx hostinger-orders status --batch orders-5be0c1d7a93e
  npx hostinger-orders follow --type order.failed --type order.unknown
  npx hostinger-orders redrive
  npx hostinger-orders submit orders.jsonl --target https://sqs.eu-west-1.amazonaws.com/123456789012/hostinger-orders-prod

Commands work against the local stack that npm start recorded in ./.hostinger-orders/local.json
(else http://127.0.0.1:$LOCAL_AWS_PORT or 4566) unless given a deployed target; they say which.
"hostinger-orders help <command>" tells more.`;
