/**
 * Reads a request body up to a limit, refusing it before buffering more than the limit: a declared
 * Content-Length over it is refused unread, a stream that grows past it stops being kept. Knows no
 * platform.
 */
import type { IncomingMessage } from 'node:http';

/** The body, or undefined when it is larger than `limit` bytes (answer 413 with `connection: close`). */
export function readBoundedBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  if (Number(req.headers['content-length'] ?? 0) > limit) return Promise.resolve(undefined);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) return void chunks.push(chunk);
      // Too large: keep nothing more; Node discards the rest once the 413 is sent.
      req.off('data', onData).off('end', onEnd).off('error', reject);
      resolve(undefined);
    };
    const onEnd = () => resolve(Buffer.concat(chunks));
    req.on('data', onData).once('end', onEnd).once('error', reject);
  });
}
