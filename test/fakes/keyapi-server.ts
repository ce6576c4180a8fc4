/**
 * A scriptable KeyAPI for fault injection: each request takes the next scripted answer (status,
 * headers, raw body, delay), or the default handler when the script is empty. Records every request.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ScriptedAnswer {
  status?: number;
  headers?: Record<string, string>;
  /** A raw body (to send non-JSON or hand-written JSON); objects are JSON-encoded. */
  body: string | object;
  delayMs?: number;
}

export interface RecordedKeyApiRequest {
  path: string;
  params: Record<string, string>;
  authorization: string | undefined;
}

export interface FakeKeyApi {
  url: string;
  requests: RecordedKeyApiRequest[];
  /** Queue answers for the next requests, in order. */
  script(...answers: ScriptedAnswer[]): void;
  /** What to answer when the script is empty. */
  fallback: (request: RecordedKeyApiRequest) => ScriptedAnswer;
  close(): Promise<void>;
}

/** The documented success envelope around `rows`. */
export function envelope(rows: object[]): object {
  return { code: 0, message: 'success', data: rows, requestId: 'req-test' };
}

/** The documented error body for a status, e.g. 402 `apiKey quota is not enough`. */
export function errorBody(code: number, message: string): object {
  return { code, data: null, message };
}

/**
 * KeyAPI's own error under HTTP 200: a non-zero envelope `code` that is no HTTP status, e.g.
 * `apiError(10001, 'region not supported')`.
 */
export function apiError(code: number, message: string): ScriptedAnswer {
  return { status: 200, body: { code, message, data: null, requestId: 'req-test' } };
}

export async function startFakeKeyApi(): Promise<FakeKeyApi> {
  const queue: ScriptedAnswer[] = [];
  const requests: RecordedKeyApiRequest[] = [];
  const sockets = new Set<import('node:net').Socket>();
  const fake: FakeKeyApi = {
    url: '',
    requests,
    script: (...answers) => queue.push(...answers),
    fallback: () => ({ body: envelope([]) }),
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const request = {
      path: url.pathname,
      params: Object.fromEntries(url.searchParams),
      authorization: req.headers.authorization,
    };
    requests.push(request);
    const answer = queue.shift() ?? fake.fallback(request);
    const send = () => {
      if (res.destroyed) return;
      res.writeHead(answer.status ?? 200, { 'content-type': 'application/json', ...answer.headers });
      res.end(typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body));
    };
    if (answer.delayMs) setTimeout(send, answer.delayMs);
    else send();
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fake;
}
