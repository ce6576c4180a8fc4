/**
 * The one HTTP server: Slack's path goes to the listener given for it, other routes to their handlers,
 * anything else is 404 (405 for a known path with another method), and a failing handler is a 500.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpServer, type HttpServer } from '../../../src/http/server.js';
import { createTestLog } from '../../helpers/test-log.js';

let server: HttpServer | undefined;
afterEach(() => server?.close());

async function start(options: Partial<Parameters<typeof createHttpServer>[0]> = {}): Promise<HttpServer> {
  server = createHttpServer({
    port: 0,
    host: '127.0.0.1',
    log: createTestLog({ level: 'silent' }).log,
    ...options,
  });
  await server.listen();
  return server;
}

describe('createHttpServer', () => {
  it('hands POST /slack/events to the Slack listener with the body untouched', async () => {
    const s = await start({
      slack: (req, res) => {
        let body = '';
        req.on('data', (c: Buffer) => {
          body += c.toString();
        });
        req.on('end', () => res.end(`slack got ${body}`));
      },
    });
    const res = await fetch(`${s.url}/slack/events`, { method: 'POST', body: 'a=1&b=%3C' });
    expect(await res.text()).toBe('slack got a=1&b=%3C');
  });

  it('answers 404 on /slack/events when Slack runs in Socket Mode (no listener)', async () => {
    const s = await start();
    expect((await fetch(`${s.url}/slack/events`, { method: 'POST', body: 'x' })).status).toBe(404);
  });

  it('serves registered routes and 404s anything else', async () => {
    const s = await start({
      routes: {
        'GET /healthz': (_req, res) => {
          res.end('ok');
        },
      },
    });
    expect(await (await fetch(`${s.url}/healthz`)).text()).toBe('ok');
    expect((await fetch(`${s.url}/nope`)).status).toBe(404);
    expect((await fetch(`${s.url}/healthz`, { method: 'POST' })).status).toBe(405);
  });

  it('turns a failing handler into a 500', async () => {
    const s = await start({
      routes: {
        'GET /boom': async () => {
          throw new Error('boom');
        },
      },
    });
    expect((await fetch(`${s.url}/boom`)).status).toBe(500);
  });
});
