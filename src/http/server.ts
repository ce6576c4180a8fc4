/**
 * The one HTTP server on PORT: `POST /slack/events` goes to Bolt's request listener (which keeps its own
 * signature and timestamp check), other routes are registered by their owners, anything else is 404.
 * Knows no platform: it must not import Bolt, an adapter, jobs or the core.
 */
import { createServer, type IncomingMessage, type RequestListener, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';

/** Handles one request; a rejected promise becomes a 500. */
export type RouteHandler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

export interface HttpServerOptions {
  /** 0 picks a free port (tests). */
  port: number;
  /** Default: every interface, as a container needs. */
  host?: string;
  log: Logger;
  /** Bolt's request listener (HTTP mode), mounted at `POST /slack/events`. */
  slack?: RequestListener | undefined;
  /** More routes, keyed `"<METHOD> <path>"`, e.g. `"GET /healthz"`. */
  routes?: Record<string, RouteHandler>;
}

export interface HttpServer {
  /** Starts listening; resolves with the bound port. */
  listen(): Promise<number>;
  /** `http://127.0.0.1:<port>` once listening. */
  readonly url: string;
  /** Stops listening and ends open connections. */
  close(): Promise<void>;
}

const SLACK_ROUTE = 'POST /slack/events';

export function createHttpServer(options: HttpServerOptions): HttpServer {
  const log = options.log.child({ component: 'http' });
  const routes = new Map<string, RouteHandler>(Object.entries(options.routes ?? {}));
  if (options.slack) {
    const slack = options.slack;
    // The Slack adapter's listener bounds and reads the raw body itself (request-guard.ts, then Bolt):
    // signatures are computed over the bytes exactly as sent.
    routes.set(SLACK_ROUTE, (req, res) => slack(req, res));
  }

  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const handler = routes.get(`${req.method ?? 'GET'} ${path}`);
    if (!handler) {
      const known = [...routes.keys()].some((key) => key.endsWith(` ${path}`));
      finish(res, known ? 405 : 404);
      return;
    }
    try {
      Promise.resolve(handler(req, res)).catch((error: unknown) => fail(error, res));
    } catch (error) {
      fail(error, res);
    }
  });

  function fail(error: unknown, res: ServerResponse): void {
    log.error({ err: error }, 'request handler failed');
    if (!res.headersSent) finish(res, 500);
    else res.end();
  }

  let port = 0;
  return {
    get url() {
      return `http://127.0.0.1:${port}`;
    },
    listen: () =>
      new Promise<number>((resolve, reject) => {
        server.once('error', reject);
        server.listen(options.port, options.host, () => {
          server.off('error', reject);
          port = (server.address() as AddressInfo).port;
          log.info({ port }, 'http server listening');
          resolve(port);
        });
      }),
    close: () =>
      new Promise<void>((resolve) => {
        if (!server.listening) return resolve();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function finish(res: ServerResponse, status: number): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
  res.end(status === 404 ? 'Not found\n' : status === 405 ? 'Method not allowed\n' : 'Internal error\n');
}
