/** What a route handler gets and gives. */
import type { Answer } from './responses.ts';
import type { SandboxState } from './sandbox-state.ts';

export interface SandboxRequest {
  method: string;
  url: URL;
  authorization: string | undefined;
  /** The raw body; handlers decide how lenient to be about it. */
  text: string;
  receivedAt: Date;
}

export interface Route {
  method: string;
  path: string;
  handle(request: SandboxRequest, state: SandboxState): Answer | Promise<Answer>;
}
