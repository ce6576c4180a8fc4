// Fake Discord gateway v10 (a `ws` WebSocketServer on 127.0.0.1) speaking plain JSON frames:
// HELLO → IDENTIFY (with or without a `shard` pair) → READY + one GUILD_CREATE per guild of that shard,
// heartbeat acks, RESUME with replay, and `dispatch()` / `sendInteraction()` / `dispatchToGuild()` to
// push events; a guild's events go only to sessions holding its shard, as Discord routes them.
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type {
  APIInteraction,
  APIUser,
  ApplicationFlags,
  GatewayGuildCreateDispatchData,
  GatewayReadyDispatchData,
} from 'discord.js';
import { type RawData, WebSocket, WebSocketServer } from 'ws';

// Opcodes (https://discord.com/developers/docs/topics/opcodes-and-status-codes#gateway-gateway-opcodes).
const OP = {
  Dispatch: 0,
  Heartbeat: 1,
  Identify: 2,
  PresenceUpdate: 3,
  VoiceStateUpdate: 4,
  Resume: 6,
  Reconnect: 7,
  RequestGuildMembers: 8,
  InvalidSession: 9,
  Hello: 10,
  HeartbeatAck: 11,
} as const;
// Close codes: 4001 unknown opcode, 4002 decode error, 4003 not authenticated, 4004 authentication failed,
// 4005 already authenticated, 4012 invalid API version.
const CLOSE = {
  UnknownOpcode: 4001,
  DecodeError: 4002,
  NotAuthenticated: 4003,
  AuthFailed: 4004,
  AlreadyAuth: 4005,
};

export interface FakeDiscordGatewayOptions {
  token: string;
  botUser: APIUser;
  applicationId: string;
  /** Guilds to announce; called at every IDENTIFY so later changes show up on reconnect. */
  guilds: () => GatewayGuildCreateDispatchData[];
  /** Small keeps idle tests cheap; the client's first beat comes after interval × random(). */
  heartbeatIntervalMs?: number;
  /** Called before an INTERACTION_CREATE goes out (the REST fake uses it to start the 3 s clock). */
  onInteraction?: (payload: APIInteraction) => void;
}

export interface ReceivedFrame {
  op: number;
  d: unknown;
  at: number;
}

export interface IdentifyRecord {
  token: string;
  intents: number;
  shard?: [number, number];
  properties: unknown;
  compress: unknown;
  at: number;
}

interface Session {
  id: string;
  /** `[shard_id, num_shards]` from IDENTIFY; `[0, 1]` without one. */
  shard: [number, number];
  seq: number;
  /** Sent events, kept so a RESUME can replay what the client missed. */
  events: { s: number; t: string; d: unknown }[];
  socket?: WebSocket;
}

export class FakeDiscordGateway {
  url = '';
  readonly received: ReceivedFrame[] = [];
  readonly identifies: IdentifyRecord[] = [];
  /** Query strings of each connection (discord.js sends `v=10&encoding=json`). */
  readonly connections: Record<string, string>[] = [];
  readonly sessions = new Map<string, Session>();
  private readonly wss: WebSocketServer;
  private readonly frameWaiters = new Set<(f: ReceivedFrame) => void>();

  private constructor(private readonly opts: FakeDiscordGatewayOptions) {
    this.wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    this.wss.on('connection', (socket, req) => this.onConnection(socket, req));
  }

  static async start(opts: FakeDiscordGatewayOptions): Promise<FakeDiscordGateway> {
    const gateway = new FakeDiscordGateway(opts);
    await new Promise<void>((resolve) => gateway.wss.once('listening', resolve));
    gateway.url = `ws://127.0.0.1:${(gateway.wss.address() as AddressInfo).port}`;
    return gateway;
  }

  /** Sessions whose socket is open and logged in. */
  get liveSessions(): Session[] {
    return [...this.sessions.values()].filter((s) => s.socket?.readyState === WebSocket.OPEN);
  }

  /** Sends a dispatch (op 0) to every live session; returns how many received it. */
  dispatch(t: string, d: unknown): number {
    const live = this.liveSessions;
    for (const session of live) this.send(session, t, d);
    return live.length;
  }

  /** Sends a guild's event to the live sessions holding its shard; returns how many received it. */
  dispatchToGuild(guildId: string, t: string, d: unknown): number {
    const live = this.liveSessions.filter((s) => holdsGuild(s.shard, guildId));
    for (const session of live) this.send(session, t, d);
    return live.length;
  }

  /** Sends INTERACTION_CREATE (to its guild's shard); throws if no client holds it, since it would be lost. */
  sendInteraction(payload: APIInteraction): void {
    const guildId = payload.guild_id;
    const live = this.liveSessions.filter((s) => !guildId || holdsGuild(s.shard, guildId));
    if (live.length === 0) throw new Error('fake gateway: no logged-in client to send the interaction to');
    this.opts.onInteraction?.(payload);
    for (const session of live) this.send(session, 'INTERACTION_CREATE', payload);
  }

  /** Op 7: the client closes (4200) and RESUMEs on resume_gateway_url. */
  requestReconnect(): void {
    for (const session of this.liveSessions)
      session.socket?.send(JSON.stringify({ op: OP.Reconnect, d: null }));
  }

  /** Op 9: `resumable` false makes the client IDENTIFY again from scratch. */
  invalidateSession(resumable = false): void {
    for (const session of this.liveSessions) {
      session.socket?.send(JSON.stringify({ op: OP.InvalidSession, d: resumable }));
      if (!resumable) this.sessions.delete(session.id);
    }
  }

  /** Resolves with the first frame from a client (already received or future) matching the predicate. */
  waitForFrame(predicate: (f: ReceivedFrame) => boolean, timeoutMs = 2000): Promise<ReceivedFrame> {
    const found = this.received.find(predicate);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const listener = (frame: ReceivedFrame) => {
        if (!predicate(frame)) return;
        clearTimeout(timer);
        this.frameWaiters.delete(listener);
        resolve(frame);
      };
      const timer = setTimeout(() => {
        this.frameWaiters.delete(listener);
        reject(new Error(`fake gateway: no matching frame within ${timeoutMs} ms`));
      }, timeoutMs);
      this.frameWaiters.add(listener);
    });
  }

  /** Terminates every socket (no close handshake to wait for) and stops listening. */
  async close(): Promise<void> {
    for (const socket of this.wss.clients) socket.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  private onConnection(socket: WebSocket, req: IncomingMessage): void {
    const query = Object.fromEntries(new URL(req.url ?? '/', 'http://127.0.0.1').searchParams);
    this.connections.push(query);
    // Only v10 and JSON text frames: discord.js asks for zlib-stream only when zlib-sync is installed.
    if (query.v !== '10' || query.encoding !== 'json' || query.compress) {
      socket.close(query.v !== '10' ? 4012 : CLOSE.DecodeError, 'Unsupported version or encoding');
      return;
    }
    let session: Session | undefined;
    const heartbeat_interval = this.opts.heartbeatIntervalMs ?? 1000;
    socket.send(JSON.stringify({ op: OP.Hello, d: { heartbeat_interval }, s: null, t: null }));
    socket.on('message', (raw: RawData) => {
      let frame: { op?: unknown; d?: unknown };
      try {
        frame = JSON.parse(raw.toString());
      } catch {
        return socket.close(CLOSE.DecodeError, 'Error while decoding payload.');
      }
      const op = typeof frame.op === 'number' ? frame.op : -1;
      const received: ReceivedFrame = { op, d: frame.d, at: Date.now() };
      this.received.push(received);
      for (const waiter of this.frameWaiters) waiter(received);
      const d = (frame.d ?? {}) as Record<string, unknown>;
      switch (op) {
        case OP.Heartbeat: // allowed before IDENTIFY
          return socket.send(JSON.stringify({ op: OP.HeartbeatAck }));
        case OP.Identify:
          if (session) return socket.close(CLOSE.AlreadyAuth, 'Already authenticated.');
          if (d.token !== this.opts.token) return socket.close(CLOSE.AuthFailed, 'Authentication failed.');
          session = this.identify(socket, d);
          return;
        case OP.Resume: {
          if (d.token !== this.opts.token) return socket.close(CLOSE.AuthFailed, 'Authentication failed.');
          const known = this.sessions.get(String(d.session_id));
          if (!known) return socket.send(JSON.stringify({ op: OP.InvalidSession, d: false }));
          session = known;
          known.socket = socket;
          const after = typeof d.seq === 'number' ? d.seq : 0;
          for (const e of known.events.filter((ev) => ev.s > after)) {
            socket.send(JSON.stringify({ op: OP.Dispatch, ...e }));
          }
          this.send(known, 'RESUMED', {});
          return;
        }
        case OP.PresenceUpdate:
        case OP.VoiceStateUpdate:
        case OP.RequestGuildMembers:
          if (!session) return socket.close(CLOSE.NotAuthenticated, 'Not authenticated.');
          if (op === OP.RequestGuildMembers) this.answerMemberRequest(session, d);
          return;
        default:
          return socket.close(CLOSE.UnknownOpcode, 'Unknown opcode.');
      }
    });
    socket.on('close', () => {
      if (session?.socket === socket) session.socket = undefined; // kept for RESUME
    });
  }

  private identify(socket: WebSocket, d: Record<string, unknown>): Session | undefined {
    const shard = Array.isArray(d.shard) ? (d.shard as [number, number]) : undefined;
    const [shardId = 0, shardCount = 1] = shard ?? [];
    if (shardCount < 1 || shardId < 0 || shardId >= shardCount) {
      socket.close(4010, 'Invalid shard.');
      return undefined;
    }
    this.identifies.push({
      token: String(d.token),
      intents: Number(d.intents),
      shard,
      properties: d.properties,
      compress: d.compress,
      at: Date.now(),
    });
    const session: Session = {
      id: randomBytes(16).toString('hex'),
      shard: [shardId, shardCount],
      seq: 0,
      events: [],
      socket,
    };
    this.sessions.set(session.id, session);
    const guilds = this.opts.guilds().filter((g) => holdsGuild(session.shard, g.id));
    const ready: GatewayReadyDispatchData = {
      v: 10,
      user: this.opts.botUser,
      // READY lists guilds as unavailable; discord.js's ClientReady waits for their GUILD_CREATEs.
      guilds: guilds.map((g) => ({ id: g.id, unavailable: true })),
      session_id: session.id,
      resume_gateway_url: this.url,
      shard: session.shard,
      application: { id: this.opts.applicationId, flags: 0 as ApplicationFlags, flags_new: '0' },
    };
    this.send(session, 'READY', ready);
    for (const guild of guilds) this.send(session, 'GUILD_CREATE', guild);
    return session;
  }

  /** Shard ids IDENTIFYed so far, as `id/count`, sorted. */
  get identifiedShards(): string[] {
    return this.identifies.map((i) => (i.shard ? `${i.shard[0]}/${i.shard[1]}` : '0/1')).sort();
  }

  private answerMemberRequest(session: Session, d: Record<string, unknown>): void {
    const guild = this.opts.guilds().find((g) => g.id === d.guild_id);
    const members = guild?.members ?? [];
    this.send(session, 'GUILD_MEMBERS_CHUNK', {
      guild_id: d.guild_id,
      members,
      chunk_index: 0,
      chunk_count: 1,
      not_found: [],
      ...(d.nonce ? { nonce: d.nonce } : {}),
    });
  }

  private send(session: Session, t: string, d: unknown): void {
    session.seq += 1;
    const event = { s: session.seq, t, d };
    session.events.push(event);
    if (session.events.length > 500) session.events.shift();
    session.socket?.send(JSON.stringify({ op: OP.Dispatch, ...event }));
  }
}

/** Discord's rule: a guild's events go to shard `(guild_id >> 22) % num_shards`. */
function holdsGuild([shardId, shardCount]: [number, number], guildId: string): boolean {
  return Number((BigInt(guildId) >> 22n) % BigInt(shardCount)) === shardId;
}
