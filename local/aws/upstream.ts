/** An emulator the router forwards requests to. */
export interface Upstream {
  /** e.g. 'http://127.0.0.1:41234' */
  origin: string;
  close(): Promise<void>;
}
