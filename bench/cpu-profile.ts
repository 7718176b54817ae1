import { existsSync, readFileSync } from 'node:fs';
import { type Profiler, Session } from 'node:inspector/promises';
import { dirname, join } from 'node:path';
import { ROOT } from './bundles.ts';

/** Where a process's CPU time went, in ms, by who was running. */
export type CpuShares = Record<string, number>;

/** The package.json of `name` as Node would find it from `dir`: in the nearest node_modules above. */
function manifestOf(name: string, dir: string): string | undefined {
  for (let at = dir; ; at = dirname(at)) {
    const candidate = join(at, 'node_modules', name, 'package.json');
    if (existsSync(candidate)) return candidate;
    if (dirname(at) === at) return undefined;
  }
}

/** Each emulator's packages (it and its dependencies, less the AWS SDK shared with the functions), by emulator. */
const EMULATORS = { dynalite: 'DynamoDB emulator (dynalite)', fauxqs: 'SQS and SNS emulator (fauxqs)' } as const;

function emulatorPackages(): Map<string, string> {
  const owners = new Map<string, string>();
  const visit = (name: string, dir: string, owner: string) => {
    if (owners.has(name) || name.startsWith('@aws-sdk/') || name.startsWith('@smithy/')) return;
    owners.set(name, owner);
    const manifest = manifestOf(name, dir);
    if (!manifest) return;
    const { dependencies = {} } = JSON.parse(readFileSync(manifest, 'utf8')) as { dependencies?: Record<string, string> };
    for (const dependency of Object.keys(dependencies)) visit(dependency, dirname(manifest), owner);
  };
  for (const [emulator, owner] of Object.entries(EMULATORS)) visit(emulator, ROOT, owner);
  return owners;
}

/** Samples of the profiler handing over its own profile: not part of the work measured. */
const PROFILER = 'profiler';

/** The functions' own code and its libraries; and the AWS SDK, which the functions, the event source and the bench all call. */
export const FUNCTIONS_CODE = "the functions' code (lib/, Powertools, middy, zod)";
export const SDK = 'AWS SDK (functions, event source, bench)';

const FUNCTIONS_PACKAGES = /^(@aws-lambda-powertools\/|@middy\/|zod$)/;

/** Who owns a script: by project folder, or by npm package (the innermost node_modules). */
function categorize(url: string, emulators: Map<string, string>): string {
  const pkg = /.*node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1];
  if (pkg) {
    const emulator = emulators.get(pkg);
    if (emulator) return emulator;
    if (pkg.startsWith('@aws-sdk/') || pkg.startsWith('@smithy/')) return SDK;
    if (FUNCTIONS_PACKAGES.test(pkg)) return FUNCTIONS_CODE;
    return `other: ${pkg}`;
  }
  const path = url.startsWith('file://') ? url.slice('file://'.length) : url;
  if (!path.startsWith(ROOT)) return `other: ${url}`;
  const file = path.slice(ROOT.length);
  if (file.startsWith('local/aws/')) return 'local AWS endpoint (local/aws: router, Secrets Manager)';
  if (file.startsWith('local/sandbox/')) return 'Hostinger sandbox';
  if (file.startsWith('local/')) return 'Lambda emulation (event source, HTTP API)';
  if (file.startsWith('lib/') || file.startsWith('functions/')) return FUNCTIONS_CODE;
  if (file === 'bench/cpu-profile.ts') return PROFILER;
  if (file.startsWith('bench/')) return 'bench harness';
  return `other: ${file}`;
}

/**
 * Attributes each sample to the first frame, from the running function outwards, that is not Node.js's own:
 * Node's HTTP parsing under an SDK call counts for the SDK. Samples with no such frame are Node's (its HTTP
 * servers and sockets, timers), and garbage collection and idle time are named as such. The profiler's own
 * work is left out.
 */
function attribute(profile: Profiler.Profile): CpuShares {
  const emulators = emulatorPackages();
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const owner = new Map<number, string>();
  const ownerOf = (id: number): string => {
    const cached = owner.get(id);
    if (cached) return cached;
    const { callFrame } = byId.get(id) as Profiler.ProfileNode;
    let result: string;
    if (callFrame.functionName === '(garbage collector)') result = 'garbage collection';
    else if (callFrame.functionName === '(idle)') result = 'idle';
    else if (callFrame.url && !callFrame.url.startsWith('node:')) result = categorize(callFrame.url, emulators);
    else {
      const up = parent.get(id);
      result = up === undefined ? 'Node.js (HTTP servers, sockets, timers)' : ownerOf(up);
    }
    owner.set(id, result);
    return result;
  };
  const shares: CpuShares = {};
  const deltas = profile.timeDeltas ?? [];
  (profile.samples ?? []).forEach((id, i) => {
    const category = ownerOf(id);
    if (category !== PROFILER) shares[category] = (shares[category] ?? 0) + (deltas[i] ?? 0) / 1000;
  });
  return shares;
}

/** Runs `work` under V8's sampling profiler (this thread only) and says where the time went. */
export async function profileCpu(work: () => Promise<void>): Promise<CpuShares> {
  const session = new Session();
  session.connect();
  try {
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 500 });
    await session.post('Profiler.start');
    await work();
    const { profile } = await session.post('Profiler.stop');
    return attribute(profile);
  } finally {
    session.disconnect();
  }
}
