// Shared Discord API v10 object factories for the fake Discord: snowflakes, users, members, channels,
// guilds and messages, shaped like what Discord really sends so discord.js caches them without complaint.
// Numbers are spelled out (not imported from discord.js) so the fake does not share the client's constants.
import { randomBytes } from 'node:crypto';
import type {
  APIAttachment,
  APIEmbed,
  APIGuildMember,
  APIMessage,
  APITextChannel,
  APIUser,
  ChannelFlags,
  GatewayGuildCreateDispatchData,
  GuildMemberFlags,
  GuildSystemChannelFlags,
  RoleFlags,
  UserFlags,
} from 'discord.js';

/** Discord's epoch (2015-01-01T00:00:00Z); a snowflake's top 42 bits are milliseconds since it. */
export const DISCORD_EPOCH = 1_420_070_400_000n;

/** Fixed ids used when a test does not choose its own; modern apps have application id == bot user id. */
export const FAKE_IDS = {
  applicationId: '1150000000000000001',
  guildId: '1150000000000000100',
  channelId: '1150000000000000200',
  userId: '1150000000000000300',
  ownerId: '1150000000000000009',
} as const;

/** Permission bits (https://discord.com/developers/docs/topics/permissions); payloads carry sets as decimal strings. */
export const PERMISSIONS = {
  AddReactions: 1n << 6n,
  ViewChannel: 1n << 10n,
  SendMessages: 1n << 11n,
  EmbedLinks: 1n << 14n,
  AttachFiles: 1n << 15n,
  ReadMessageHistory: 1n << 16n,
  UseExternalEmojis: 1n << 18n,
  ManageGuild: 1n << 5n,
  Administrator: 1n << 3n,
  UseApplicationCommands: 1n << 31n,
} as const;

const P = PERMISSIONS;
/** What an ordinary member usually has in a text channel. */
export const DEFAULT_MEMBER_PERMISSIONS = String(
  P.AddReactions |
    P.ViewChannel |
    P.SendMessages |
    P.EmbedLinks |
    P.AttachFiles |
    P.ReadMessageHistory |
    P.UseExternalEmojis |
    P.UseApplicationCommands,
);
/** What the bot has in the channel (`app_permissions`): enough to post embeds. */
export const DEFAULT_APP_PERMISSIONS = DEFAULT_MEMBER_PERMISSIONS;

let lastId = 0n;
/** A fresh, strictly increasing snowflake (ms since epoch << 22 | worker 1): 19 digits today. */
export function snowflake(at: number = Date.now()): string {
  const base = ((BigInt(at) - DISCORD_EPOCH) << 22n) | (1n << 17n);
  lastId = base > lastId ? base : lastId + 1n; // ids must sort by creation, even within one ms
  return String(lastId);
}

/** Interaction tokens are long opaque URL-safe strings. */
export function randomToken(prefix = 'aW50ZXJhY3Rpb246'): string {
  return `${prefix}${randomBytes(48).toString('base64url')}`;
}

export function toPermissionString(value: bigint | string | undefined, fallback: string): string {
  return value === undefined ? fallback : String(value);
}

export function botUser(id: string, username = 'TopRank'): APIUser {
  return {
    id,
    username,
    discriminator: '0',
    global_name: null,
    avatar: null,
    bot: true,
    public_flags: 0 as UserFlags,
  };
}

export function humanUser(id: string = FAKE_IDS.userId, username = 'creator_fan'): APIUser {
  return {
    id,
    username,
    discriminator: '0',
    global_name: username,
    avatar: null,
    public_flags: 0 as UserFlags,
  };
}

/** A guild member as Discord sends it (joined_at, roles, deaf/mute, flags are always present). */
export function guildMember(user: APIUser, roles: string[] = []): APIGuildMember {
  return {
    user,
    nick: null,
    avatar: null,
    banner: null,
    roles,
    joined_at: '2024-01-01T00:00:00.000000+00:00',
    premium_since: null,
    deaf: false,
    mute: false,
    flags: 0 as GuildMemberFlags,
    pending: false,
    communication_disabled_until: null,
  };
}

/** A guild text channel (type 0). */
export function textChannel(id: string, guildId: string, name = 'general', position = 0): APITextChannel {
  return {
    id,
    type: 0,
    guild_id: guildId,
    name,
    position,
    permission_overwrites: [],
    parent_id: null,
    topic: null,
    nsfw: false,
    last_message_id: null,
    rate_limit_per_user: 0,
    flags: 0 as ChannelFlags,
  };
}

export interface GuildInit {
  id: string;
  name?: string;
  ownerId: string;
  channels: APITextChannel[];
  /** The bot's own member: Discord includes it in GUILD_CREATE even without the GuildMembers intent. */
  botMember?: APIGuildMember;
}

/** A GUILD_CREATE payload. The @everyone role has the guild's id (a Discord rule discord.js relies on). */
export function guildCreate(init: GuildInit): GatewayGuildCreateDispatchData {
  const members = init.botMember ? [init.botMember] : [];
  return {
    id: init.id,
    name: init.name ?? 'TopRank Test Guild',
    icon: null,
    splash: null,
    discovery_splash: null,
    banner: null,
    description: null,
    owner_id: init.ownerId,
    afk_channel_id: null,
    afk_timeout: 300,
    verification_level: 0,
    default_message_notifications: 1,
    explicit_content_filter: 0,
    roles: [
      {
        id: init.id,
        name: '@everyone',
        color: 0,
        colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
        hoist: false,
        position: 0,
        permissions: DEFAULT_MEMBER_PERMISSIONS,
        managed: false,
        mentionable: false,
        flags: 0 as RoleFlags,
      },
    ],
    emojis: [],
    stickers: [],
    features: [],
    mfa_level: 0,
    application_id: null,
    system_channel_id: init.channels[0]?.id ?? null,
    system_channel_flags: 0 as GuildSystemChannelFlags,
    rules_channel_id: null,
    public_updates_channel_id: null,
    safety_alerts_channel_id: null,
    vanity_url_code: null,
    premium_tier: 0,
    premium_subscription_count: 0,
    premium_progress_bar_enabled: false,
    preferred_locale: 'en-US' as GatewayGuildCreateDispatchData['preferred_locale'],
    nsfw_level: 0,
    hub_type: null,
    incidents_data: null,
    max_members: 500_000,
    max_video_channel_users: 25,
    max_stage_video_channel_users: 50,
    // GUILD_CREATE-only fields:
    joined_at: '2024-01-01T00:00:00.000000+00:00',
    large: false,
    unavailable: false,
    member_count: members.length + 1,
    members,
    channels: init.channels,
    threads: [],
    presences: [],
    voice_states: [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
  };
}

/** A JSON body a client sent to create or edit a message; only the fields the fake looks at. */
export type MessageBody = Record<string, unknown>;

/** A file part of a multipart request (`files[n]`), as received. */
export interface UploadedFile {
  field: string;
  name: string;
  size: number;
  contentType: string;
  data: Buffer;
}

/** Discord's default upload limit per file. */
const MAX_FILE_BYTES = 10 * 1024 * 1024;

/**
 * The attachments a body declares (`attachments: [{ id, filename, description }]`), each matched to its
 * `files[id]` part; an id that is an existing attachment's keeps it (edits). Errors as Discord's.
 */
export function attachmentsOf(
  body: MessageBody,
  files: UploadedFile[],
  existing: APIAttachment[] = [],
): { attachments: APIAttachment[] } | { code: number; errors?: unknown } {
  const declared = Array.isArray(body.attachments) ? (body.attachments as Record<string, unknown>[]) : [];
  const attachments: APIAttachment[] = [];
  for (const [i, entry] of declared.entries()) {
    const kept = existing.find((a) => a.id === String(entry.id));
    if (kept) {
      attachments.push(kept);
      continue;
    }
    const file = files.find((f) => f.field === `files[${String(entry.id)}]`);
    if (!file)
      return {
        code: 50035,
        errors: fieldError(`attachments.${i}`, 'ATTACHMENT_NOT_FOUND', 'Unknown attachment.'),
      };
    if (file.size > MAX_FILE_BYTES) return { code: 40005 };
    const description = typeof entry.description === 'string' ? entry.description : undefined;
    if (description && description.length > 1024) {
      return {
        code: 50035,
        errors: fieldError(
          `attachments.${i}.description`,
          'BASE_TYPE_MAX_LENGTH',
          'Must be 1024 or fewer in length.',
        ),
      };
    }
    const filename = typeof entry.filename === 'string' ? entry.filename : file.name;
    const id = snowflake();
    attachments.push({
      id,
      filename,
      ...(description ? { description } : {}),
      size: file.size,
      content_type: file.contentType,
      url: `https://cdn.discordapp.test/attachments/${id}/${encodeURIComponent(filename)}`,
      proxy_url: `https://media.discordapp.test/attachments/${id}/${encodeURIComponent(filename)}`,
    });
  }
  return { attachments };
}

export interface MessageInit {
  channelId: string;
  guildId?: string;
  author: APIUser;
  body: MessageBody;
  /** 0 default, 19 reply, 20 chat-input command response. */
  type?: number;
  flags?: number;
  webhookId?: string;
  applicationId?: string;
  extra?: Partial<APIMessage>;
  /** Attachments already checked with attachmentsOf. */
  attachments?: APIAttachment[];
}

/** Discord fills in `type: 'rich'` on embeds it stores. */
function normalizeEmbeds(embeds: unknown): APIEmbed[] {
  return Array.isArray(embeds) ? embeds.map((e: APIEmbed) => ({ type: 'rich', ...e }) as APIEmbed) : [];
}

export function buildMessage(init: MessageInit): APIMessage {
  const { body } = init;
  const message: APIMessage = {
    id: snowflake(),
    channel_id: init.channelId,
    author: init.author,
    content: typeof body.content === 'string' ? body.content : '',
    timestamp: new Date().toISOString(),
    edited_timestamp: null,
    tts: body.tts === true,
    mention_everyone: false,
    mentions: [],
    mention_roles: [],
    attachments: init.attachments ?? [],
    embeds: normalizeEmbeds(body.embeds),
    components: Array.isArray(body.components) ? (body.components as APIMessage['components']) : [],
    pinned: false,
    type: init.type ?? 0,
    flags: init.flags ?? (typeof body.flags === 'number' ? body.flags : 0),
    ...init.extra,
  };
  if (typeof body.nonce === 'string' || typeof body.nonce === 'number') message.nonce = body.nonce;
  if (init.webhookId) message.webhook_id = init.webhookId;
  if (init.applicationId) message.application_id = init.applicationId;
  // Messages seen through the gateway carry guild_id; REST message objects do not, so it stays off here.
  return message;
}

/** Applies a PATCH body: only fields present change; the LOADING flag (128) of a deferred reply clears. */
export function applyEdit(message: APIMessage, body: MessageBody, attachments?: APIAttachment[]): APIMessage {
  const next: APIMessage = { ...message, edited_timestamp: new Date().toISOString() };
  if (attachments && 'attachments' in body) next.attachments = attachments;
  if ('content' in body) next.content = typeof body.content === 'string' ? body.content : '';
  if ('embeds' in body) next.embeds = normalizeEmbeds(body.embeds);
  if ('components' in body) {
    next.components = Array.isArray(body.components) ? (body.components as APIMessage['components']) : [];
  }
  const ephemeral = (message.flags ?? 0) & 64; // EPHEMERAL cannot be toggled by an edit
  const requested =
    typeof body.flags === 'number' ? body.flags & ~(64 | 128) : (message.flags ?? 0) & ~(64 | 128);
  next.flags = ephemeral | requested;
  return next;
}

/** Discord's own checks before creating a message (50006 empty, 50035 too long / too many embeds). */
export function validateMessageBody(
  body: MessageBody,
  creating: boolean,
): { code: number; errors?: unknown } | null {
  const content = typeof body.content === 'string' ? body.content : '';
  const embeds = Array.isArray(body.embeds) ? body.embeds : [];
  const components = Array.isArray(body.components) ? body.components : [];
  const stickers = Array.isArray(body.sticker_ids) ? body.sticker_ids : [];
  const hasFiles = Array.isArray(body.attachments) && body.attachments.length > 0;
  if (
    creating &&
    !content &&
    !embeds.length &&
    !components.length &&
    !stickers.length &&
    !hasFiles &&
    !body.poll
  ) {
    return { code: 50006 };
  }
  if (content.length > 2000) {
    return {
      code: 50035,
      errors: fieldError('content', 'BASE_TYPE_MAX_LENGTH', 'Must be 2000 or fewer in length.'),
    };
  }
  if (embeds.length > 10) {
    return {
      code: 50035,
      errors: fieldError('embeds', 'BASE_TYPE_MAX_LENGTH', 'Must be 10 or fewer in length.'),
    };
  }
  return null;
}

export function fieldError(field: string, code: string, message: string): unknown {
  return { [field]: { _errors: [{ code, message }] } };
}
