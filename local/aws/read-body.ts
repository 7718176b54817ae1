import type { IncomingMessage } from 'node:http';

/** Buffers a whole request body; AWS API requests handled here are small JSON or form documents. */
export async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
