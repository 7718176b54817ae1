import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * Each benchmark phase runs in a process of its own: the functions read their configuration from
 * process.env when they load, so one process holds one local stack, and one configuration.
 */

/** Environment of every phase: the AWS SDK's warning about Node 20, should the bench be run on it, would only add noise. */
export const QUIET_SDK_ENV = { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };

/**
 * The child's side: reads its configuration (JSON) from argv[2], runs `main`, and hands the result to the
 * parent over IPC, or prints it when run by hand (`npx tsx bench/pipeline.ts '{"orders": 500, ...}'`).
 */
export function runChild<Config, Result>(main: (config: Config) => Promise<Result>): void {
  const config = JSON.parse(process.argv[2] ?? '{}') as Config;
  main(config).then(
    (result) => {
      if (process.send) process.send(result, () => process.exit(0));
      else {
        console.log(JSON.stringify(result, null, 2));
        process.exit(0);
      }
    },
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}

/** The parent's side: runs a phase script (relative to bench/) in a fresh Node process and resolves to its result. */
export function runPhase<Config, Result>(script: string, config: Config): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(new URL(script, import.meta.url)), [JSON.stringify(config)], {
      execArgv: ['--import', 'tsx'],
      env: { ...process.env, ...QUIET_SDK_ENV },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let result: { value: Result } | undefined;
    child.on('message', (message) => {
      result = { value: message as Result };
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (code === 0 && result) resolve(result.value);
      else reject(new Error(`${script} ${JSON.stringify(config)} failed (exit ${code ?? signal})`));
    });
  });
}
