import type { LocalStackOptions } from './stack.ts';

type Env = Record<string, string | undefined>;

function integer(env: Env, name: string, fallback: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > max) throw new Error(`${name} must be an integer from 0 to ${max}, got "${raw}"`);
  return value;
}
const port = (env: Env, name: string, fallback: number) => integer(env, name, fallback, 65535);

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
    apiPort: port(env, 'PORT', 3000),
    awsPort: port(env, 'LOCAL_AWS_PORT', 4566),
    sandboxPort: port(env, 'SANDBOX_PORT', 0),
    sandboxLatencyMs: integer(env, 'SANDBOX_LATENCY_MS', 100, 600_000),
    hostinger: apiUrl && token ? { apiUrl, token } : undefined,
    // Function logs are JSON for CloudWatch; locally only warnings and errors, unless asked for more.
    functionEnv: { POWERTOOLS_LOG_LEVEL: env.POWERTOOLS_LOG_LEVEL ?? 'WARN' },
  };
}
