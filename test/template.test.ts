import { execFile } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** Packages serverless.yml offline (as `npm run package` does) and reads the CloudFormation template it makes. */
type Resource = { Type: string; Properties: Record<string, any> };
const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:template-test-AbCdEf';
let dir: string;
let resources: Record<string, Resource>;
let artifacts: string[];

const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
const fn = (name: string) => resources[`${name}LambdaFunction`] as Resource;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hostinger-orders-package-'));
  await promisify(execFile)('node_modules/.bin/osls', ['package', '--package', dir, `--param=hostingerTokenSecretArn=${SECRET_ARN}`], { timeout: 90_000 });
  resources = JSON.parse(await readFile(join(dir, 'cloudformation-template-update-stack.json'), 'utf8')).Resources;
  artifacts = await readdir(dir);
}, 120_000);
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('the packaged CloudFormation template', () => {
  it('has the three functions on nodejs22.x, each in its own bundle', () => {
    for (const name of ['CreateOrder', 'GetOrder', 'OrderWorker']) expect(fn(name).Properties.Runtime).toBe('nodejs22.x');
    expect(artifacts).toEqual(expect.arrayContaining(['createOrder.zip', 'getOrder.zip', 'orderWorker.zip']));
  });

  it('routes POST /orders and GET /orders/{requestId} on the HTTP API', () => {
    const routes = ofType('AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties.RouteKey);
    expect(routes.sort()).toEqual(['GET /orders/{requestId}', 'POST /orders']);
  });

  it('feeds the worker from the queue with partial batch failures', () => {
    const [[, mapping] = []] = ofType('AWS::Lambda::EventSourceMapping');
    expect(mapping?.Properties).toMatchObject({ FunctionResponseTypes: ['ReportBatchItemFailures'], BatchSize: 10 });
    expect(mapping?.Properties.EventSourceArn).toEqual({ 'Fn::GetAtt': ['OrdersQueue', 'Arn'] });
  });

  it('gives the queue a DLQ and a visibility timeout of at least 6x the worker timeout', () => {
    const queue = resources.OrdersQueue as Resource;
    expect(Number(queue.Properties.VisibilityTimeout)).toBeGreaterThanOrEqual(6 * Number(fn('OrderWorker').Properties.Timeout));
    expect(queue.Properties.RedrivePolicy).toMatchObject({ deadLetterTargetArn: { 'Fn::GetAtt': ['OrdersDeadLetterQueue', 'Arn'] }, maxReceiveCount: expect.any(Number) });
    expect(resources.OutcomesTopic?.Type).toBe('AWS::SNS::Topic');
    expect(resources.OrdersTable?.Properties.KeySchema).toEqual([{ AttributeName: 'requestId', KeyType: 'HASH' }]);
  });

  it('references the token secret by ARN and never carries a token', () => {
    expect(fn('OrderWorker').Properties.Environment.Variables.HOSTINGER_TOKEN_SECRET_ID).toBe(SECRET_ARN);
    const variables = Object.values(resources).flatMap((r) => (r.Type === 'AWS::Lambda::Function' ? Object.keys(r.Properties.Environment?.Variables ?? {}) : []));
    expect(variables.filter((name) => /TOKEN(?!_SECRET)/.test(name))).toEqual([]);
  });

  it('grants each function only its own actions, on named resources', () => {
    const statements = (role: string) =>
      (resources[role] as Resource).Properties.Policies.flatMap((p: any) => p.PolicyDocument.Statement) as { Action: string[]; Resource: unknown }[];
    const actionsOf = (role: string) => statements(role).flatMap((s) => s.Action).filter((a) => !a.startsWith('logs:')).sort();
    expect(actionsOf('CreateOrderIamRoleLambdaExecution')).toEqual(['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'sqs:SendMessage']);
    expect(actionsOf('GetOrderIamRoleLambdaExecution')).toEqual(['dynamodb:GetItem']);
    expect(actionsOf('OrderWorkerIamRoleLambdaExecution')).toEqual(
      ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'secretsmanager:GetSecretValue', 'sns:Publish', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:ReceiveMessage'].sort(),
    );
    for (const role of ['CreateOrderIamRoleLambdaExecution', 'GetOrderIamRoleLambdaExecution', 'OrderWorkerIamRoleLambdaExecution']) {
      for (const statement of statements(role)) expect(JSON.stringify(statement.Resource)).not.toMatch(/"\*"/);
    }
    const secretStatement = statements('OrderWorkerIamRoleLambdaExecution').find((s) => s.Action.includes('secretsmanager:GetSecretValue'));
    expect(secretStatement?.Resource).toBe(SECRET_ARN);
  });
});
