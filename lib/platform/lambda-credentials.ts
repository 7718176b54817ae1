import { fromEnv } from '@aws-sdk/credential-provider-env';

/**
 * Bundled in place of the AWS SDK's default credential chain (`alias` in serverless.yml's custom.esbuild):
 * on Lambda the credentials are always in the environment, and the chain's SSO, INI, process, web-identity
 * and instance-metadata providers (about 120 kB with their nested clients) only slow every cold start.
 * Local runs are not bundled and keep the full chain.
 */
export const defaultProvider = (init?: Parameters<typeof fromEnv>[0]) => fromEnv(init);
