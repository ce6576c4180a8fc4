// Fake Slack Socket Mode endpoint (the wss:// URL that apps.connections.open hands out), attached to the
// fake Web API's HTTP server at /socket. Sends `hello` on connect, pushes envelopes (slash_commands,
// interactive, events_api) and resolves each one when the app acks its `envelope_id`.
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { Server } from 'node:http';
import { WebSocket, WebSocketServer } from 'ws';

export type SocketEnvelopeType = 'slash_commands' | 'interactive' | 'events_api';

export interface SocketAck {
  envelope_id: string;
  payload: Record<string, unknown>;
  at: number;
}

interface Pending {
  resolve: (payload: Record<string, unknown>) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

export class FakeSocketMode {
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly events = new EventEmitter();
  private readonly tickets = new Set<string>();
  private readonly clients = new Set<WebSocket>();
  private readonly pending = new Map<string, Pending>();
  readonly acks: SocketAck[] = [];

  constructor(
    server: Server,
    private readonly appId: string,
  ) {
    this.events.setMaxListeners(0);
    server.on('upgrade', (req, socket, head) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const ticket = url.searchParams.get('ticket') ?? '';
      // Slack's WebSocket URLs carry a one-time ticket; a stale URL must go back to apps.connections.open.
      if (url.pathname !== '/socket' || !this.tickets.delete(ticket)) {
        socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n');
        return;
      }
      this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws));
    });
  }

  /** A one-time WebSocket URL for apps.connections.open. */
  mintUrl(httpBase: string): string {
    const ticket = randomUUID();
    this.tickets.add(ticket);
    return `${httpBase.replace(/^http/, 'ws')}/socket?ticket=${ticket}`;
  }

  waitForConnection(timeoutMs: number): Promise<void> {
    if (this.openClient()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.events.off('connected', onConnected);
        reject(new Error(`FakeSlack: no Socket Mode connection within ${timeoutMs} ms`));
      }, timeoutMs);
      const onConnected = () => {
        clearTimeout(timer);
        resolve();
      };
      this.events.once('connected', onConnected);
    });
  }

  sendEnvelope(
    type: SocketEnvelopeType,
    payload: Record<string, unknown>,
    opts: { acceptsResponsePayload?: boolean; timeoutMs?: number } = {},
  ): Promise<Record<string, unknown>> {
    const ws = this.openClient();
    if (!ws) return Promise.reject(new Error('FakeSlack: no Socket Mode client connected'));
    const envelopeId = randomUUID();
    // Slack lets the ack carry a response (e.g. a slash command reply) when accepts_response_payload is
    // true: slash commands and view submissions, not block_actions.
    const accepts =
      opts.acceptsResponsePayload ??
      (type === 'slash_commands' || (type === 'interactive' && payload.type === 'view_submission'));
    const envelope: Record<string, unknown> = {
      envelope_id: envelopeId,
      payload,
      type,
      accepts_response_payload: accepts,
    };
    if (type === 'events_api') Object.assign(envelope, { retry_attempt: 0, retry_reason: '' });
    // Slack expects the ack within 3 seconds.
    const timeoutMs = opts.timeoutMs ?? 3000;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(envelopeId);
        reject(new Error(`FakeSlack: envelope ${envelopeId} (${type}) not acked within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(envelopeId, { resolve, reject, timer });
      ws.send(JSON.stringify(envelope));
    });
  }

  /**
   * Close every connection with a close handshake, terminating any that does not finish in time.
   * Cutting the TCP socket while the client is in its own close handshake (Bolt's `app.stop()` does not wait
   * for it) leaves @slack/socket-mode 3.1 with a stray 30 s timer that keeps the process alive.
   */
  async close(graceMs = 1000): Promise<void> {
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(new Error(`FakeSlack closed before envelope ${id} was acked`));
    }
    this.pending.clear();
    const closing = [...this.clients].map(
      (ws) =>
        new Promise<void>((resolve) => {
          if (ws.readyState === WebSocket.CLOSED) return resolve();
          const timer = setTimeout(() => {
            ws.terminate();
            resolve();
          }, graceMs);
          ws.once('close', () => {
            clearTimeout(timer);
            resolve();
          });
          // 1001 "going away", as a server shutting down.
          if (ws.readyState === WebSocket.OPEN) ws.close(1001, 'fake slack closing');
        }),
    );
    await Promise.all(closing);
    this.clients.clear();
    this.wss.close();
  }

  private openClient(): WebSocket | undefined {
    return [...this.clients].reverse().find((ws) => ws.readyState === WebSocket.OPEN);
  }

  private accept(ws: WebSocket): void {
    this.clients.add(ws);
    ws.on('close', () => this.clients.delete(ws));
    ws.on('error', () => this.clients.delete(ws));
    ws.on('message', (data) => this.onMessage(data.toString()));
    // The first frame Slack sends on a Socket Mode connection.
    ws.send(
      JSON.stringify({
        type: 'hello',
        num_connections: this.clients.size,
        debug_info: { host: 'applink-fake-1', build_number: 1, approximate_connection_time: 18060 },
        connection_info: { app_id: this.appId },
      }),
    );
    this.events.emit('connected');
  }

  private onMessage(text: string): void {
    let message: { envelope_id?: unknown; payload?: unknown };
    try {
      message = JSON.parse(text) as typeof message;
    } catch {
      return;
    }
    // An ack is `{ envelope_id, payload? }`.
    if (typeof message.envelope_id !== 'string') return;
    const payload =
      message.payload && typeof message.payload === 'object'
        ? (message.payload as Record<string, unknown>)
        : {};
    this.acks.push({ envelope_id: message.envelope_id, payload, at: Date.now() });
    const pending = this.pending.get(message.envelope_id);
    if (!pending) return;
    this.pending.delete(message.envelope_id);
    clearTimeout(pending.timer);
    pending.resolve(payload);
  }
}
