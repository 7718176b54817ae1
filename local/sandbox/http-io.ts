/** Reading requests and writing answers on node:http. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Answer } from './responses.ts';

export async function readText(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** The parsed JSON, or undefined for an empty or malformed body. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export function writeAnswer(response: ServerResponse, answer: Answer): void {
  switch (answer.kind) {
    case 'reset':
      response.socket?.destroy();
      return;
    case 'empty':
      response.writeHead(answer.status).end();
      return;
    case 'html':
      response.writeHead(answer.status, { 'Content-Type': 'text/html' }).end(answer.page);
      return;
    case 'json':
      response.writeHead(answer.status, { ...answer.headers, 'Content-Type': 'application/json' }).end(JSON.stringify(answer.body));
      return;
  }
}
