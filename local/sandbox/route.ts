/** What a route handler gets and gives. */
import type { Answer } from './responses.ts';
import type { SandboxState } from './sandbox-state.ts';

export interface SandboxRequest {
  method: string;
  url: URL;
  /** Values of the route's `{name}` path segments. */
  params: Record<string, string>;
  authorization: string | undefined;
  /** The raw body; handlers decide how lenient to be about it. */
  text: string;
  receivedAt: Date;
}

export interface Route {
  method: string;
  /** A path; `{name}` matches one segment, given to the handler in `params`. */
  path: string;
  handle(request: SandboxRequest, state: SandboxState): Answer | Promise<Answer>;
}

/** The route's path parameters if `pathname` matches its path, else undefined. */
export function matchPath(path: string, pathname: string): Record<string, string> | undefined {
  const pattern = path.split('/');
  const parts = pathname.split('/');
  if (pattern.length !== parts.length) return undefined;
  const params: Record<string, string> = {};
  for (const [index, segment] of pattern.entries()) {
    const part = parts[index] ?? '';
    const name = /^\{(\w+)\}$/.exec(segment)?.[1];
    if (name === undefined) {
      if (segment !== part) return undefined;
    } else {
      if (part === '') return undefined;
      try {
        params[name] = decodeURIComponent(part);
      } catch {
        return undefined;
      }
    }
  }
  return params;
}
