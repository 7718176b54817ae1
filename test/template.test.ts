import { APPROVAL_INDEX } from '../lib/ledger/dynamodb-approval-ledger.ts';

/** Every route of the HTTP API. */
const ROUTE_KEYS = [
  'GET /budget',
  'GET /orders/{requestId}',
  'POST /domains',
  'POST /orders',
  'POST /orders/{requestId}/approve',
  'POST /orders/{requestId}/deny',
  'POST /quotes',
  'POST /renewals',
  'POST /vps',
];

import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LEDGER_TABLE } from '../lib/ledger/dynamodb-table.ts';

/**
 * Packages serverless.yml offline (as `npm run package` does) and reads the CloudFormation template it makes:
 * once in the default configuration, once in JWT mode with an existing alarm topic. Runs one after the other:
 * serverless-esbuild builds in the project's .esbuild/ folder.
 */
type Resource = { Type: string; Properties: Record<string, any>; Condition?: string; DependsOn?: unknown };
type Template = { Resources: Record<string, Resource>; Parameters?: Record<string, { Default?: string }>; Conditions?: Record<string, unknown> };
type Statement = { Effect: string; Action: string | string[]; Resource: unknown };

const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:template-test-AbCdEf';
const JWT_ISSUER = 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_TeSt';
const JWT_AUDIENCE = 'hostinger-orders-test-client';
const OPS_TOPIC = 'arn:aws:sns:eu-west-1:111122223333:ops-alarms';
const STACK_NAME = 'hostinger-orders-dev';

const dirs: string[] = [];
const run = promisify(execFile);

async function packageTemplate(params: string[]): Promise<{ template: Template; artifacts: string[] }> {
  const dir = await mkdtemp(join(tmpdir(), 'hostinger-orders-package-'));
  dirs.push(dir);
  await run('node_modules/.bin/osls', ['package', '--package', dir, `--param=hostingerTokenSecretArn=${SECRET_ARN}`, ...params.map((p) => `--param=${p}`)], {
    timeout: 90_000,
  });
  return { template: JSON.parse(await readFile(join(dir, 'cloudformation-template-update-stack.json'), 'utf8')), artifacts: await readdir(dir) };
}

/** The error `osls package` fails with, or undefined if it packaged. */
async function packageError(params: string[], env: Record<string, string> = {}): Promise<string | undefined> {
  const dir = await mkdtemp(join(tmpdir(), 'hostinger-orders-package-'));
  dirs.push(dir);
  try {
    await run('node_modules/.bin/osls', ['package', '--package', dir, `--param=hostingerTokenSecretArn=${SECRET_ARN}`, ...params.map((p) => `--param=${p}`)], {
      timeout: 90_000,
      env: { ...process.env, ...env },
    });
    return undefined;
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string };
    return `${failed.stdout ?? ''}${failed.stderr ?? ''}`;
  }
}

/**
 * Just enough of CloudFormation's intrinsic functions to know what a deployed stack would hold, with every
 * parameter at its default: conditions, Fn::If, Ref. A Ref or GetAtt to a resource stays a reference.
 */
function evaluator(template: Template) {
  const pseudo: Record<string, string> = { 'AWS::StackName': STACK_NAME, 'AWS::Region': 'eu-west-1', 'AWS::AccountId': '111122223333', 'AWS::Partition': 'aws' };
  const condition = (name: string): boolean => {
    const definition = template.Conditions?.[name];
    if (definition === undefined) throw new Error(`no condition ${name}`);
    return Boolean(evaluate(definition));
  };
  const evaluate = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(evaluate);
    if (value === null || typeof value !== 'object') return value;
    const node = value as Record<string, unknown>;
    if ('Ref' in node) {
      const name = node.Ref as string;
      if (name in pseudo) return pseudo[name];
      if (template.Parameters?.[name]) return template.Parameters[name]?.Default ?? '';
      return { Ref: name };
    }
    if ('Fn::Equals' in node) {
      const [a, b] = evaluate(node['Fn::Equals']) as unknown[];
      return JSON.stringify(a) === JSON.stringify(b);
    }
    if ('Fn::If' in node) {
      const [name, whenTrue, whenFalse] = node['Fn::If'] as [string, unknown, unknown];
      return evaluate(condition(name) ? whenTrue : whenFalse);
    }
    if ('Condition' in node && Object.keys(node).length === 1) return condition(node.Condition as string);
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, evaluate(v)]));
  };
  /** Whether the resource would exist in the deployed stack. */
  const created = (logicalId: string) => {
    const resource = template.Resources[logicalId];
    return resource !== undefined && (resource.Condition === undefined || condition(resource.Condition));
  };
  return { evaluate, created };
}

const actionsOf = (statement: Statement) => (Array.isArray(statement.Action) ? statement.Action : [statement.Action]);
const resourcesOf = (statement: Statement) => (Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource]);
const statementsOf = (role: Resource) => (role.Properties.Policies ?? []).flatMap((p: any) => p.PolicyDocument.Statement) as Statement[];

let base: { template: Template; artifacts: string[] };
let jwt: { template: Template; artifacts: string[] };
let resources: Record<string, Resource>;

const ofType = (type: string, from = resources) => Object.entries(from).filter(([, r]) => r.Type === type);
const fn = (name: string) => resources[`${name}LambdaFunction`] as Resource;

beforeAll(async () => {
  base = await packageTemplate([]);
  resources = base.template.Resources;
  jwt = await packageTemplate(['authMode=jwt', `jwtIssuer=${JWT_ISSUER}`, `jwtAudience=${JWT_AUDIENCE}`, `alarmTopicArn=${OPS_TOPIC}`]);
}, 120_000);
afterAll(() => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

describe('the packaged CloudFormation template', () => {
  it('has the three functions on nodejs24.x, each in its own bundle', () => {
    for (const name of ['CreateOrder', 'GetOrder', 'OrderWorker']) expect(fn(name).Properties.Runtime).toBe('nodejs24.x');
    expect(base.artifacts).toEqual(expect.arrayContaining(['createOrder.zip', 'getOrder.zip', 'orderWorker.zip']));
  });

  it('routes POST /orders, /vps, /domains, /renewals and GET /orders/{requestId} on the HTTP API', () => {
    const routes = ofType('AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties.RouteKey);
    expect(routes.sort()).toEqual(ROUTE_KEYS);
  });

  it('feeds the worker from the queue with partial batch failures', () => {
    const [[, mapping] = []] = ofType('AWS::Lambda::EventSourceMapping');
    // No batching window: a lone order is not held back to fill a batch (and the local event source has none).
    expect(mapping?.Properties).toMatchObject({ FunctionResponseTypes: ['ReportBatchItemFailures'], BatchSize: 10, MaximumBatchingWindowInSeconds: 0 });
    expect(mapping?.Properties.EventSourceArn).toEqual({ 'Fn::GetAtt': ['OrdersQueue', 'Arn'] });
  });

  it('gives the queue a DLQ and a visibility timeout of at least 6x the worker timeout', () => {
    const queue = resources.OrdersQueue as Resource;
    expect(Number(queue.Properties.VisibilityTimeout)).toBeGreaterThanOrEqual(6 * Number(fn('OrderWorker').Properties.Timeout));
    expect(queue.Properties.RedrivePolicy).toMatchObject({ deadLetterTargetArn: { 'Fn::GetAtt': ['OrdersDeadLetterQueue', 'Arn'] }, maxReceiveCount: expect.any(Number) });
    expect(resources.OutcomesTopic?.Type).toBe('AWS::SNS::Topic');
    // The worker must know which delivery is the last one before the DLQ.
    expect(Number(fn('OrderWorker').Properties.Environment.Variables.MAX_RECEIVE_COUNT)).toBe(Number(queue.Properties.RedrivePolicy.maxReceiveCount));
  });

  it('lays the ledger table out as lib/ledger/dynamodb-table.ts expects', () => {
    const table = (resources.OrdersTable as Resource).Properties;
    expect(table.KeySchema).toEqual([{ AttributeName: LEDGER_TABLE.partitionKey, KeyType: 'HASH' }]);
    expect(table.GlobalSecondaryIndexes).toEqual([
      expect.objectContaining({ IndexName: LEDGER_TABLE.subscriptionIndex, KeySchema: [{ AttributeName: 'subscriptionId', KeyType: 'HASH' }] }),
      expect.objectContaining({
        IndexName: LEDGER_TABLE.unsettledIndex,
        KeySchema: [
          { AttributeName: 'unsettledItem', KeyType: 'HASH' },
          { AttributeName: 'unsettledSince', KeyType: 'RANGE' },
        ],
      }),
      expect.objectContaining({
        IndexName: LEDGER_TABLE.unqueuedIndex,
        KeySchema: [
          { AttributeName: 'unqueued', KeyType: 'HASH' },
          { AttributeName: 'unqueuedSince', KeyType: 'RANGE' },
        ],
      }),
      expect.objectContaining({
        IndexName: LEDGER_TABLE.followUpIndex,
        KeySchema: [
          { AttributeName: 'followUpOpen', KeyType: 'HASH' },
          { AttributeName: 'followUpAt', KeyType: 'RANGE' },
        ],
      }),
      expect.objectContaining({
        IndexName: APPROVAL_INDEX.name,
        KeySchema: [
          { AttributeName: APPROVAL_INDEX.partitionKey, KeyType: 'HASH' },
          { AttributeName: APPROVAL_INDEX.sortKey, KeyType: 'RANGE' },
        ],
      }),
    ]);
    // The reconciliation query filters on subscriptionSource: the index must carry it.
    expect(table.GlobalSecondaryIndexes[0].Projection).toEqual({ ProjectionType: 'INCLUDE', NonKeyAttributes: ['subscriptionSource'] });
    expect(table.TimeToLiveSpecification).toEqual({ AttributeName: 'expiresAt', Enabled: true });
  });

  it("sets every function's log level from the logLevel parameter", () => {
    for (const name of ['CreateOrder', 'GetOrder', 'OrderWorker']) expect(fn(name).Properties.Environment.Variables.POWERTOOLS_LOG_LEVEL).toBe('INFO');
  });

  it('references the token secret by ARN and never carries a token', () => {
    expect(fn('OrderWorker').Properties.Environment.Variables.HOSTINGER_TOKEN_SECRET_ID).toBe(SECRET_ARN);
    const variables = Object.values(resources).flatMap((r) => (r.Type === 'AWS::Lambda::Function' ? Object.keys(r.Properties.Environment?.Variables ?? {}) : []));
    expect(variables.filter((name) => /TOKEN(?!_SECRET)/.test(name))).toEqual([]);
  });
});

describe('who may call the HTTP API', () => {
  it('requires AWS IAM on every route by default, with no authorizer resource', () => {
    const routes = ofType('AWS::ApiGatewayV2::Route');
    expect(routes).toHaveLength(ROUTE_KEYS.length);
    for (const [, route] of routes) {
      expect(route.Properties.AuthorizationType).toBe('AWS_IAM');
      expect(route.Properties.AuthorizerId).toBeUndefined();
    }
    expect(ofType('AWS::ApiGatewayV2::Authorizer')).toEqual([]);
  });

  it('in JWT mode puts every route behind one JWT authorizer with the given issuer and audience', () => {
    const authorizers = ofType('AWS::ApiGatewayV2::Authorizer', jwt.template.Resources);
    expect(authorizers).toHaveLength(1);
    const [[authorizerId, authorizer] = []] = authorizers;
    expect(authorizer?.Properties).toMatchObject({
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: { Issuer: JWT_ISSUER, Audience: [JWT_AUDIENCE] },
    });
    const routes = ofType('AWS::ApiGatewayV2::Route', jwt.template.Resources);
    expect(routes).toHaveLength(ROUTE_KEYS.length);
    for (const [, route] of routes) {
      expect(route.Properties).toMatchObject({ AuthorizationType: 'JWT', AuthorizerId: { Ref: authorizerId } });
      // Approving and denying need their own permission: the approver scope; nothing else asks for a scope.
      const approving = /\/(approve|deny)$/.test(route.Properties.RouteKey);
      expect(route.Properties.AuthorizationScopes).toEqual(approving ? ['orders/approve'] : undefined);
    }
  });

  it('refuses to package an unknown auth mode, or JWT mode without an issuer and audience', async () => {
    expect(await packageError(['authMode=none'])).toMatch(/httpApiAuth|authorizer/);
    const missing = await packageError(['authMode=jwt']);
    expect(missing).toMatch(/issuerUrl/);
    expect(missing).toMatch(/audience/);
  }, 30_000);
});

describe('scheduled batch plans', () => {
  it('follows up pending payments and unknown outcomes once a minute', () => {
    const rules = Object.values(resources).filter((r) => r.Type === 'AWS::Events::Rule' && JSON.stringify(r.Properties.Targets).includes('FollowUp'));
    expect(rules.map((rule) => rule.Properties.ScheduleExpression)).toEqual(['rate(1 minute)']);
  });

  it('sweeps unqueued requests once a minute', () => {
    const rules = ofType('AWS::Events::Rule').map(([, rule]) => rule.Properties);
    const sweep = rules.find((rule) => JSON.stringify(rule.Targets).includes('SweepUnqueued'));
    expect(sweep?.ScheduleExpression).toBe('rate(1 minute)');
    expect(fn('SweepUnqueued').Properties.Environment.Variables.SWEEP_QUEUED_AFTER_SECONDS).toBe('60');
  });

  it('makes one EventBridge rule per plan in batches/, passing the plan name and scheduled time, off when the plan is disabled', () => {
    const rules = ofType('AWS::Events::Rule').map(([, rule]) => rule.Properties);
    expect(rules).toContainEqual(
      expect.objectContaining({
        ScheduleExpression: 'cron(0 3 1 * ? *)',
        State: 'DISABLED',
        Targets: [expect.objectContaining({ InputTransformer: { InputPathsMap: { time: '$.time' }, InputTemplate: '{"plan": "staging-fleet", "time": <time>}' } })],
      }),
    );
    expect(base.artifacts).toContain('runBatch.zip');
  });

  it('refuses to package a bad plan, naming its file and line', async () => {
    const plans = await mkdtemp(join(tmpdir(), 'hostinger-orders-plans-'));
    dirs.push(plans);
    await writeFile(join(plans, 'broken.yaml'), 'schedule: rate(1 day)\norders:\n  - items:\n      - item_id: hostingercom-vps-kvm2-usd-1m\n        quantity: -1\n');
    expect(await packageError([], { BATCH_PLANS_DIR: plans })).toMatch(/broken\.yaml:5: orders\.0\.items\.0\.quantity must be at least 1/);
  }, 30_000);
});

describe('least privilege', () => {
  const roles = () => ofType('AWS::IAM::Role');

  it('runs every function on its own role', () => {
    for (const name of ['CreateOrder', 'GetOrder', 'OrderWorker', 'RunBatch', 'SweepUnqueued']) {
      expect(fn(name).Properties.Role).toEqual({ 'Fn::GetAtt': [`${name}IamRoleLambdaExecution`, 'Arn'] });
    }
  });

  it('grants each function only its own actions', () => {
    const actions = (role: string) =>
      statementsOf(resources[role] as Resource)
        .flatMap(actionsOf)
        .filter((a) => !a.startsWith('logs:'))
        .sort();
    expect(actions('CreateOrderIamRoleLambdaExecution')).toEqual([
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'secretsmanager:GetSecretValue',
      'sqs:SendMessage',
    ]);
    expect(actions('SweepUnqueuedIamRoleLambdaExecution')).toEqual(['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:UpdateItem', 'sqs:SendMessage']);
    expect(actions('GetOrderIamRoleLambdaExecution')).toEqual(['dynamodb:GetItem']);
    expect(actions('RunBatchIamRoleLambdaExecution')).toEqual(['dynamodb:PutItem', 'sns:Publish', 'sqs:SendMessage']);
    expect(actions('OrderWorkerIamRoleLambdaExecution')).toEqual(
      [
        'dynamodb:BatchGetItem',
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:Query',
        'dynamodb:UpdateItem',
        'secretsmanager:GetSecretValue',
        'sns:Publish',
        'sqs:ChangeMessageVisibility',
        'sqs:DeleteMessage',
        'sqs:GetQueueAttributes',
        'sqs:ReceiveMessage',
        'sqs:SendMessage',
      ].sort(),
    );
  });

  it('in every role, Secrets Manager, SQS, SNS and DynamoDB actions name the one secret, queue, topic and table, never `*`', () => {
    const table = { 'Fn::GetAtt': ['OrdersTable', 'Arn'] };
    const indexes = [LEDGER_TABLE.subscriptionIndex, LEDGER_TABLE.unsettledIndex, LEDGER_TABLE.unqueuedIndex, APPROVAL_INDEX.name, LEDGER_TABLE.followUpIndex].map((name) => ({
      'Fn::Sub': `\${OrdersTable.Arn}/index/${name}`,
    }));
    const allowed: Record<string, unknown[]> = {
      secretsmanager: [SECRET_ARN],
      sqs: [{ 'Fn::GetAtt': ['OrdersQueue', 'Arn'] }],
      sns: [{ Ref: 'OutcomesTopic' }],
      dynamodb: [table, ...indexes],
    };
    const checked = new Set<string>();
    // The leftover default role (IamRoleLambdaExecution) is a role too: it is checked like the others.
    expect(roles().map(([id]) => id)).toContain('IamRoleLambdaExecution');
    for (const [roleId, role] of roles()) {
      for (const statement of statementsOf(role)) {
        for (const action of actionsOf(statement)) {
          expect(action, `${roleId}: wildcard action`).not.toMatch(/\*/);
          const service = action.split(':')[0] as string;
          if (!(service in allowed)) continue;
          checked.add(service);
          for (const resource of resourcesOf(statement)) {
            expect(JSON.stringify(resource), `${roleId} ${action}`).not.toMatch(/\*/);
            expect(allowed[service], `${roleId} ${action} on ${JSON.stringify(resource)}`).toContainEqual(resource);
            // The indexes are for reading only.
            if (indexes.some((index) => JSON.stringify(resource) === JSON.stringify(index))) expect(action).toBe('dynamodb:Query');
          }
        }
      }
    }
    expect([...checked].sort()).toEqual(['dynamodb', 'secretsmanager', 'sns', 'sqs']);
  });

  it('does not create the default role the per-function plugin leaves behind, and nothing uses it', () => {
    const { created } = evaluator(base.template);
    expect(created('IamRoleLambdaExecution')).toBe(false);
    for (const [id, resource] of Object.entries(resources)) {
      if (id === 'IamRoleLambdaExecution') continue;
      expect(JSON.stringify({ p: resource.Properties, d: resource.DependsOn }), id).not.toMatch(/"IamRoleLambdaExecution"/);
    }
    // Everything else in the default configuration is created.
    const skipped = Object.keys(resources).filter((id) => !created(id));
    expect(skipped).toEqual(['IamRoleLambdaExecution']);
  });
});

describe('encryption at rest and recovery', () => {
  it('encrypts the queue, the DLQ and the outcomes topic', () => {
    for (const id of ['OrdersQueue', 'OrdersDeadLetterQueue']) {
      const queue = resources[id] as Resource;
      expect(queue.Properties.SqsManagedSseEnabled === true || queue.Properties.KmsMasterKeyId !== undefined, id).toBe(true);
    }
    expect(resources.OutcomesTopic?.Properties.KmsMasterKeyId).toEqual(expect.anything());
  });

  it('keeps point-in-time recovery and encryption on the ledger table', () => {
    expect(resources.OrdersTable?.Properties.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
    expect(resources.OrdersTable?.Properties.SSESpecification).toMatchObject({ SSEEnabled: true });
  });
});

describe('alarms', () => {
  type Alarm = Record<string, any> & { id: string; MetricName?: string; Dimensions?: { Name: string; Value: unknown }[] };
  const alarms = (template: Template): Alarm[] => ofType('AWS::CloudWatch::Alarm', template.Resources).map(([id, alarm]) => ({ ...alarm.Properties, id }));
  const dimensions = (alarm: { Dimensions?: { Name: string; Value: unknown }[] }) => Object.fromEntries((alarm.Dimensions ?? []).map((d) => [d.Name, d.Value]));
  const find = (template: Template, metric: string, match: Record<string, unknown> = {}) => {
    const found = alarms(template).filter((a) => a.MetricName === metric && Object.entries(match).every(([k, v]) => JSON.stringify(dimensions(a)[k]) === JSON.stringify(v)));
    expect(found, `one alarm on ${metric} ${JSON.stringify(match)}`).toHaveLength(1);
    return found[0] as Alarm;
  };

  it('fires on any message in the dead-letter queue', () => {
    const alarm = find(base.template, 'ApproximateNumberOfMessagesVisible');
    expect(alarm).toMatchObject({ Namespace: 'AWS/SQS', Threshold: 0, ComparisonOperator: 'GreaterThanThreshold', Statistic: 'Maximum' });
    expect(dimensions(alarm)).toEqual({ QueueName: { 'Fn::GetAtt': ['OrdersDeadLetterQueue', 'QueueName'] } });
  });

  it('fires when the oldest queued order is older than the threshold parameter', () => {
    const alarm = find(base.template, 'ApproximateAgeOfOldestMessage');
    expect(alarm).toMatchObject({ Namespace: 'AWS/SQS', Threshold: 900, ComparisonOperator: 'GreaterThanThreshold', Statistic: 'Maximum' });
    expect(dimensions(alarm)).toEqual({ QueueName: { 'Fn::GetAtt': ['OrdersQueue', 'QueueName'] } });
  });

  it('fires on failed and unknown outcomes, on exactly the dimensions Powertools Metrics emits', () => {
    // The worker emits to the namespace and service its environment names.
    const variables = fn('OrderWorker').Properties.Environment.Variables;
    expect(variables).toMatchObject({ POWERTOOLS_METRICS_NAMESPACE: 'HostingerOrders', POWERTOOLS_SERVICE_NAME: 'hostinger-orders' });
    for (const [type, threshold] of [
      ['order.failed', 2],
      ['order.unknown', 0],
    ] as const) {
      const alarm = find(base.template, 'Outcomes', { type });
      expect(alarm).toMatchObject({
        Namespace: 'HostingerOrders',
        Statistic: 'Sum',
        Threshold: threshold,
        ComparisonOperator: 'GreaterThanThreshold',
        TreatMissingData: 'notBreaching',
      });
      // EMF metrics are only found under their exact dimension set: Powertools adds `service` to every metric.
      expect(dimensions(alarm)).toEqual({ service: 'hostinger-orders', type });
    }
  });

  it('notifies a topic the stack creates, encrypted with a key CloudWatch may use', () => {
    const { evaluate, created } = evaluator(base.template);
    expect(alarms(base.template)).toHaveLength(5);
    for (const alarm of alarms(base.template)) {
      expect(evaluate(alarm.AlarmActions), alarm.id).toEqual([{ Ref: 'AlarmTopic' }]);
      expect(evaluate(alarm.OKActions), alarm.id).toEqual([{ Ref: 'AlarmTopic' }]);
    }
    expect(created('AlarmTopic') && created('AlarmTopicKey')).toBe(true);
    // Not alias/aws/sns: CloudWatch cannot publish to a topic under the AWS-managed key.
    expect(resources.AlarmTopic?.Properties.KmsMasterKeyId).toEqual({ Ref: 'AlarmTopicKey' });
    const key = resources.AlarmTopicKey as Resource;
    expect(key.Type).toBe('AWS::KMS::Key');
    const forCloudWatch = (key.Properties.KeyPolicy.Statement as any[]).find((s) => s.Principal?.Service === 'cloudwatch.amazonaws.com');
    expect(forCloudWatch).toMatchObject({ Effect: 'Allow' });
    expect(forCloudWatch.Action).toEqual(expect.arrayContaining(['kms:Decrypt', 'kms:GenerateDataKey*']));
    // Only for this account's alarms (the confused-deputy guard).
    expect(forCloudWatch.Condition).toEqual({ StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } });
  });

  it('fires when a spending budget is 80% used, on the dimension the worker emits the fullest budget with', () => {
    const alarm = find(base.template, 'BudgetUsedPercent');
    expect(alarm).toMatchObject({
      Namespace: 'HostingerOrders',
      Statistic: 'Maximum',
      Threshold: 80,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
    });
    expect(dimensions(alarm)).toEqual({ service: 'hostinger-orders' });
  });

  it('notifies the given alarmTopicArn instead, and then creates no topic or key', () => {
    const { evaluate, created } = evaluator(jwt.template);
    expect(alarms(jwt.template)).toHaveLength(5);
    for (const alarm of alarms(jwt.template)) {
      expect(evaluate(alarm.AlarmActions), alarm.id).toEqual([OPS_TOPIC]);
      expect(evaluate(alarm.OKActions), alarm.id).toEqual([OPS_TOPIC]);
    }
    expect(created('AlarmTopic')).toBe(false);
    expect(created('AlarmTopicKey')).toBe(false);
  });
});
