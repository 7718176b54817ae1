/** The Hostinger bearer token. `fresh: true` skips the cache (after a 401, for a rotated token). */
export type TokenSource = (options?: { fresh?: boolean }) => Promise<string>;

export class TokenUnavailableError extends Error {
  override name = 'TokenUnavailableError';
}
