import { integerIn, integerRange } from '../lib/platform/integer.ts';
import type { PortRequest } from './ports.ts';
import type { LocalStackOptions } from './stack.ts';

type Env = Record<string, string | undefined>;

function integer(env: Env, name: string, fallback: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = integerIn(raw, 0, max);
  if (value === undefined) throw new Error(`${name} must be ${integerRange(0, max)}, got "${raw}"`);
  return value;
}
const port = (env: Env, name: string, fallback: number) => integer(env, name, fallback, 65535);

/** Default ports of `npm start`; 0 is any free port. */
const DEFAULT_PORTS = { apiPort: 3000, awsPort: 4566, sandboxPort: 0 };
const PORT_VARIABLES = { apiPort: 'PORT', awsPort: 'LOCAL_AWS_PORT', sandboxPort: 'SANDBOX_PORT' };
const PORT_ROLES = { apiPort: 'the Order API', awsPort: 'the local AWS endpoint', sandboxPort: 'the Hostinger sandbox' };
type PortName = keyof typeof DEFAULT_PORTS;

/** The ports `npm start` asks for, each with the variable that chooses it and whether the user set it. */
export function portRequests(env: Env): Record<PortName, PortRequest> {
  const request = (name: PortName): PortRequest => ({
    role: PORT_ROLES[name],
    variable: PORT_VARIABLES[name],
    port: port(env, PORT_VARIABLES[name], DEFAULT_PORTS[name]),
    explicit: (env[PORT_VARIABLES[name]] ?? '') !== '',
  });
  return { apiPort: request('apiPort'), awsPort: request('awsPort'), sandboxPort: request('sandboxPort') };
}

/**
 * Reads the local stack's settings from the environment: PORT, LOCAL_AWS_PORT, SANDBOX_PORT,
 * SANDBOX_LATENCY_MS, and HOSTINGER_API_URL with HOSTINGER_API_TOKEN for a real API. The token is taken out
 * of the environment at once: from here on it lives only in the local Secrets Manager.
 */
export function localStackOptionsFromEnv(env: Env): Omit<LocalStackOptions, 'log'> {
  const apiUrl = env.HOSTINGER_API_URL?.trim();
  const token = env.HOSTINGER_API_TOKEN?.trim();
  delete env.HOSTINGER_API_TOKEN;
  if (apiUrl && !token) throw new Error('HOSTINGER_API_URL is set but HOSTINGER_API_TOKEN is not: the stack needs a token for that API');
  if (!apiUrl && token) throw new Error('HOSTINGER_API_TOKEN is set without HOSTINGER_API_URL; set both to use another API, or neither for the sandbox');
  return {
    apiPort: port(env, PORT_VARIABLES.apiPort, DEFAULT_PORTS.apiPort),
    awsPort: port(env, PORT_VARIABLES.awsPort, DEFAULT_PORTS.awsPort),
    sandboxPort: port(env, PORT_VARIABLES.sandboxPort, DEFAULT_PORTS.sandboxPort),
    sandboxLatencyMs: integer(env, 'SANDBOX_LATENCY_MS', 100, 600_000),
    hostinger: apiUrl && token ? { apiUrl, token } : undefined,
    // Function logs are JSON for CloudWatch; locally only warnings and errors, unless asked for more.
    functionEnv: { POWERTOOLS_LOG_LEVEL: env.POWERTOOLS_LOG_LEVEL ?? 'WARN' },
  };
}

/** What `npm start` prints as the pipeline works (LOCAL_EVENTS): every retry, reconciliation and deferral too, only outcomes, or nothing. */
export type PrintedEvents = 'all' | 'outcomes' | 'none';

export function printedEvents(env: Env): PrintedEvents {
  const raw = env.LOCAL_EVENTS?.trim() || 'all';
  if (raw !== 'all' && raw !== 'outcomes' && raw !== 'none') throw new Error(`LOCAL_EVENTS must be all, outcomes or none, got "${raw}"`);
  return raw;
}
