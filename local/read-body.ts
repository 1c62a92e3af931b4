import type { IncomingMessage } from 'node:http';

/**
 * A local server's request body, or undefined past `limitBytes`. The rest is still drained (not held), so the
 * client gets the server's answer (413 and the like) instead of a reset connection.
 */
export function readBody(request: IncomingMessage, limitBytes: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limitBytes) chunks.push(chunk);
    });
    request.on('end', () => resolve(size <= limitBytes ? Buffer.concat(chunks) : undefined));
    request.on('error', reject);
  });
}
