import { stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BuildOptions, build, type Metafile } from 'esbuild';
import { readServerlessYml } from '../local/deployment-template.ts';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The esbuild options serverless-esbuild takes from `custom.esbuild`; the rest of it is the plugin's own. */
const ESBUILD_KEYS = ['bundle', 'minify', 'platform', 'target', 'format', 'mainFields', 'banner', 'alias'] as const;

/**
 * serverless.yml's `custom.esbuild`, read from the file, as serverless-esbuild applies it to each function
 * (and, the same way, to the naive baseline). Source maps are left out: they go to a separate .map file and
 * do not change the .mjs that Lambda loads.
 */
async function serverlessEsbuild(): Promise<BuildOptions> {
  const template = readServerlessYml<{ custom: { esbuild: Record<string, unknown> } }>();
  const configured = Object.fromEntries(ESBUILD_KEYS.filter((key) => key in template.custom.esbuild).map((key) => [key, template.custom.esbuild[key]])) as BuildOptions;
  return { ...configured, logLevel: 'warning' };
}

/**
 * What custom.esbuild sets to make a bundle lean: minified, ESM builds of packages first (which esbuild can
 * tree-shake; the default for the node platform is their CommonJS builds), the SDK's credential chain replaced by
 * the environment's. A naive bundle of the same code leaves them at esbuild's defaults.
 */
const LEAN_KEYS = ['minify', 'mainFields', 'alias'] as const;

/** How a bundle is built: as the deployment builds it ('deployed'), or the same code built naively ('naive'). */
export type BundleBuild = 'deployed' | 'naive';

async function esbuildOptions(build: BundleBuild): Promise<BuildOptions> {
  const options = await serverlessEsbuild();
  if (build === 'naive') for (const key of LEAN_KEYS) delete options[key];
  return options;
}

/** A function as serverless.yml deploys it. */
export interface DeployedFunction {
  name: string;
  entry: string;
  /** AWS services its IAM role allows it to call ('dynamodb', 'sqs', ...). */
  services: string[];
  /** Its memory in MB: its own memorySize, else the provider's. */
  memoryMb: number;
  /** Run on a schedule (or by a plan's schedule): a cost per month, not per order. */
  scheduled: boolean;
}

export interface Bundle {
  name: string;
  file: string;
  bytes: number;
  /** npm packages in the bundle, with the bytes each adds to it. */
  packages: Record<string, number>;
  /** Project files in the bundle (relative to the root). */
  projectFiles: string[];
}

interface ServerlessFunction {
  handler: string;
  memorySize?: number;
  events?: Record<string, unknown>[];
  iamRoleStatements?: { Action?: string | string[] }[];
}

const packageOf = (path: string) => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path)?.[1];
const CLIENT_PREFIX = '@aws-sdk/client-';
/** '@aws-sdk/client-secrets-manager' -> 'secretsmanager', the service's prefix in IAM actions. */
const serviceOfClient = (pkg: string) => pkg.slice(CLIENT_PREFIX.length).replaceAll('-', '');

export const awsClients = (bundled: Bundle): string[] =>
  Object.keys(bundled.packages)
    .filter((pkg) => pkg.startsWith(CLIENT_PREFIX))
    .sort();

/**
 * The functions serverless.yml deploys: each handler's entry file, and the services its role allows. Only those
 * two keys are read; CloudFormation tags (!Ref...) are left unresolved.
 */
export async function deployedFunctions(): Promise<DeployedFunction[]> {
  const template = readServerlessYml<{ provider: { memorySize?: number }; functions: Record<string, ServerlessFunction> }>();
  return Object.entries(template.functions).map(([name, fn]) => {
    // Lambda's default, should neither set one.
    const memoryMb = fn.memorySize ?? template.provider.memorySize ?? 128;
    const actions = (fn.iamRoleStatements ?? []).flatMap((statement) => statement.Action ?? []);
    return {
      name,
      entry: join(ROOT, `${fn.handler.slice(0, fn.handler.lastIndexOf('.'))}.ts`),
      services: [...new Set(actions.map((action) => action.split(':')[0] ?? action))].sort(),
      memoryMb,
      // runBatch's schedules are added per plan file while packaging (serverless-batches.cjs).
      scheduled: name === 'runBatch' || (fn.events ?? []).some((event) => 'schedule' in event),
    };
  });
}

/** The Lambda runtime serverless.yml deploys, e.g. 'nodejs24.x'. */
export async function deployedRuntime(): Promise<string> {
  const template = readServerlessYml<{ provider: { runtime: string } }>();
  return template.provider.runtime;
}

/** Bundles one entry point into `outDir` the way the deployment does (or naively), and says what went into it. */
export async function bundle(name: string, entry: string, outDir: string, how: BundleBuild = 'deployed'): Promise<Bundle> {
  const file = join(outDir, `${basename(entry, '.ts')}${how === 'naive' ? '.naive' : ''}.mjs`);
  const { metafile } = await build({ ...(await esbuildOptions(how)), entryPoints: [entry], outfile: file, metafile: true, absWorkingDir: ROOT });
  const output = Object.values((metafile as Metafile).outputs)[0];
  if (!output) throw new Error(`esbuild produced nothing for ${entry}`);
  const packages: Record<string, number> = {};
  const projectFiles: string[] = [];
  for (const [path, { bytesInOutput }] of Object.entries(output.inputs)) {
    const pkg = packageOf(path);
    if (pkg) packages[pkg] = (packages[pkg] ?? 0) + bytesInOutput;
    else if (bytesInOutput > 0) projectFiles.push(path);
  }
  return { name, file, bytes: (await stat(file)).size, packages, projectFiles };
}

/** Project files that are never deployed: the local stack, the CLI, tests and the bench. */
export const isLocalOnly = (path: string) => /^(local|lib\/cli|test|bench)\//.test(path);

/** Packages only the local stack or development use: a bundle holding one loaded local-only code. */
export const LOCAL_ONLY_PACKAGES = ['dynalite', 'fauxqs', 'tsx', 'esbuild', 'vitest'];

/**
 * What a function's bundle holds beyond what it uses: clients of AWS services its role may not call, the
 * naive baseline's HTTP SDK, local-only or test code.
 */
export function unusedContent(bundled: Bundle, fn: DeployedFunction): string[] {
  const clients = awsClients(bundled).filter((pkg) => !fn.services.includes(serviceOfClient(pkg)));
  const foreign = Object.keys(bundled.packages).filter((pkg) => ['axios', 'hostinger-api-sdk', '@aws-sdk/lib-dynamodb'].includes(pkg));
  const localOnly = bundled.projectFiles.filter(isLocalOnly);
  return [...clients, ...foreign, ...localOnly];
}
