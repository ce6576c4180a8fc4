/**
 * The bench's chat platforms: one HTTP server, shared by every worker process, that takes posts and
 * answers 429 past the documented limits (Discord 50 requests/s per bot, Slack 1 message/s per channel,
 * both scaled), and a ChatAdapter for worker processes that posts to it and reports 429s as the real
 * adapters do (Retry-After, then retried, as discord.js and our Slack poster do).
 */
import { randomUUID } from 'node:crypto';
import { Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { renderDiscord } from '../src/adapters/discord/render.js';
import { renderSlack } from '../src/adapters/slack/render.js';
import { type ChannelRef, type Platform, parseChannelRef } from '../src/chat/channel-ref.js';
import type { ChatAdapter, RateLimitListener } from '../src/chat/chat-adapter.js';
import { SlidingWindow } from '../test/fakes/sliding-window.js';

export interface PlatformLimits {
  discordPerSecond: number;
  slackPerChannelPerSecond: number;
}

export interface FakePlatformServer {
  url: string;
  /** Posts that appeared, per delivery id (more than 1 is a duplicate). */
  accepted: Map<string, number>;
  refused(): number;
  /** performance.now() of the first and the last accepted post. */
  firstAcceptedAt: number;
  lastAcceptedAt: number;
  /** Forgets every post and 429 so far (the limits' windows go on). */
  reset(): void;
  close(): Promise<void>;
}

export async function startFakePlatforms(limits: PlatformLimits): Promise<FakePlatformServer> {
  const discord = new SlidingWindow(limits.discordPerSecond);
  const slack = new SlidingWindow(limits.slackPerChannelPerSecond);
  const state = {
    accepted: new Map<string, number>(),
    firstAcceptedAt: 0,
    lastAcceptedAt: 0,
    refusedBefore: 0,
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const { channel, deliveryId } = JSON.parse(Buffer.concat(chunks).toString()) as {
        channel: ChannelRef;
        deliveryId: string;
      };
      const now = performance.now();
      const platform = parseChannelRef(channel).platform;
      const wait = platform === 'discord' ? discord.take('bot', now) : slack.take(channel, now);
      if (wait > 0) {
        res
          .writeHead(429, { 'content-type': 'application/json' })
          .end(JSON.stringify({ retryAfterMs: wait }));
        return;
      }
      state.accepted.set(deliveryId, (state.accepted.get(deliveryId) ?? 0) + 1);
      state.lastAcceptedAt = now;
      if (!state.firstAcceptedAt) state.firstAcceptedAt = now;
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    accepted: state.accepted,
    refused: () => discord.refused + slack.refused - state.refusedBefore,
    reset() {
      state.accepted.clear();
      state.firstAcceptedAt = 0;
      state.lastAcceptedAt = 0;
      state.refusedBefore = discord.refused + slack.refused;
    },
    get firstAcceptedAt() {
      return state.firstAcceptedAt;
    },
    get lastAcceptedAt() {
      return state.lastAcceptedAt;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** A worker's adapter for one platform of the fake: renders as the real adapter would, posts ids only. */
export function createFakePlatformAdapter(platform: Platform, url: string): ChatAdapter {
  const listeners = new Set<RateLimitListener>();
  return {
    platform,
    async start() {},
    async stop() {},
    isReady: () => true,
    onRateLimit: (listener) => void listeners.add(listener),
    async send(to, view, options = {}) {
      if (platform === 'discord') renderDiscord(view);
      else renderSlack(view);
      const deliveryId = options.deliveryId ?? randomUUID();
      for (;;) {
        const res = await post(`${url}/post`, JSON.stringify({ channel: to, deliveryId }));
        const body = JSON.parse(res.body) as { retryAfterMs?: number };
        if (res.status !== 429) return { channel: to, messageId: deliveryId, duplicate: false };
        const retryAfterMs = body.retryAfterMs ?? 1000;
        const channel = platform === 'slack' ? to : undefined;
        for (const listener of listeners) {
          listener({ platform, ...(channel ? { channel } : {}), retryAfterMs, limited: true });
        }
        await new Promise((resolve) => setTimeout(resolve, retryAfterMs));
      }
    },
  };
}

// Kept-alive connections, as the platforms' own clients keep them.
const agent = new Agent({ keepAlive: true });

function post(url: string, body: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}
