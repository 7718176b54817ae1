import { createServer } from 'node:net';

/** A port `npm start` listens on, and the variable that chooses it. */
export interface PortRequest {
  /** What listens there, e.g. 'the Order API'. */
  role: string;
  variable: string;
  port: number;
  /** Set by the user (then a busy port is an error), or the default (then another free port will do). */
  explicit: boolean;
}

/** Whether 127.0.0.1:port can be listened on now; port 0 always can. */
export async function canListen(port: number): Promise<'free' | 'in use' | 'not allowed'> {
  if (port === 0) return 'free';
  const server = createServer();
  return new Promise((resolve) => {
    server.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'EACCES' ? 'not allowed' : 'in use'));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve('free')));
  });
}

/**
 * Settles the ports to listen on before anything starts: a busy default gives way to a free port (0) with
 * a notice; a busy port the user asked for is an error naming the port and its variable.
 */
export async function settlePorts<Name extends string>(requests: Record<Name, PortRequest>): Promise<{ ports: Record<Name, number>; notices: string[] }> {
  const ports = {} as Record<Name, number>;
  const notices: string[] = [];
  for (const name of Object.keys(requests) as Name[]) {
    const request = requests[name];
    const state = await canListen(request.port);
    ports[name] = state === 'free' ? request.port : 0;
    if (state === 'free') continue;
    if (request.explicit) {
      throw new Error(
        `port ${request.port} (${request.variable}=${request.port}) for ${request.role} is ${state === 'in use' ? 'already in use, perhaps by another local stack' : 'not allowed for this user'}; set ${request.variable} to a free port, or to 0 for any free port`,
      );
    }
    notices.push(`port ${request.port} is ${state}: ${request.role} takes a free port instead (set ${request.variable} to choose one)`);
  }
  return { ports, notices };
}

/** The port an EADDRINUSE/EACCES error from listen() is about, if it is one. */
export function listenErrorPort(error: unknown): number | undefined {
  const { code, port } = (error ?? {}) as { code?: string; port?: number };
  return code === 'EADDRINUSE' || code === 'EACCES' ? port : undefined;
}
