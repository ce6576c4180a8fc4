// Workspaces of the fake Slack that install the app by OAuth: a grant (the code Slack puts in the redirect
// once someone clicks "Allow"), oauth.v2.access exchanging it for a bot token of that workspace alone, and
// revocation (an uninstall). Each workspace owns its channels: a token of one cannot reach another's.
import { randomBytes } from 'node:crypto';

export interface FakeWorkspace {
  teamId: string;
  teamName: string;
  botUserId: string;
  botId: string;
  /** The channels of this workspace (calls naming them with another workspace's token fail). */
  channels: string[];
}

/** What oauth.v2.access answers (the shape of Slack's, https://docs.slack.dev/reference/methods/oauth.v2.access). */
export type AccessAnswer = { ok: true; [key: string]: unknown } | { ok: false; error: string };

export class FakeSlackWorkspaces {
  private readonly workspaces = new Map<string, FakeWorkspace>();
  private readonly grants = new Map<
    string,
    { teamId: string; enterprise: boolean; user: string; scopes: string }
  >();
  private readonly tokens = new Map<string, string>();

  constructor(
    private readonly clientId: string,
    private readonly clientSecret: string,
    private readonly appId: string,
  ) {}

  add(teamId: string, options: { teamName?: string; channels?: string[] } = {}): FakeWorkspace {
    const suffix = teamId.slice(1);
    const workspace: FakeWorkspace = {
      teamId,
      teamName: options.teamName ?? `Workspace ${teamId}`,
      botUserId: `U0B${suffix}`,
      botId: `B0B${suffix}`,
      channels: options.channels ?? [],
    };
    this.workspaces.set(teamId, workspace);
    return workspace;
  }

  /**
   * Someone of the workspace clicked "Allow" on the authorize page for these scopes (comma-separated, as
   * in its URL): the code Slack sends to the redirect URL.
   */
  grant(teamId: string, scopes: string, options: { enterprise?: boolean; user?: string } = {}): string {
    if (!this.workspaces.has(teamId)) throw new Error(`no fake workspace ${teamId}`);
    const code = `code-${teamId}-${randomBytes(6).toString('hex')}`;
    const user = options.user ?? 'U0INSTALL1';
    this.grants.set(code, { teamId, enterprise: options.enterprise === true, user, scopes });
    return code;
  }

  get(teamId: string): FakeWorkspace | undefined {
    return this.workspaces.get(teamId);
  }

  /** The workspace's current bot token, if installed. */
  tokenOf(teamId: string): string | undefined {
    return [...this.tokens].find(([, team]) => team === teamId)?.[0];
  }

  /** Every bot token ever handed out (revoked ones included), for "no token in the logs". */
  readonly issued: string[] = [];

  /** The app was uninstalled there: its tokens stop working. */
  revoke(teamId: string): void {
    for (const [token, team] of this.tokens) if (team === teamId) this.tokens.delete(token);
  }

  revokeToken(token: string): boolean {
    return this.tokens.delete(token);
  }

  /** The workspace a live token belongs to. */
  byToken(token: string): FakeWorkspace | undefined {
    const team = this.tokens.get(token);
    return team === undefined ? undefined : this.workspaces.get(team);
  }

  /** The workspace that owns a channel, if one was given it. */
  ownerOf(channel: string): string | undefined {
    return [...this.workspaces.values()].find((w) => w.channels.includes(channel))?.teamId;
  }

  /** oauth.v2.access: the app's credentials and a grant, once, for a token of that workspace. */
  access(args: Record<string, unknown>): AccessAnswer {
    // Slack checks the app's credentials before the code.
    if (args.client_id !== this.clientId) return { ok: false, error: 'invalid_client_id' };
    if (args.client_secret !== this.clientSecret) return { ok: false, error: 'bad_client_secret' };
    const grant = this.grants.get(String(args.code ?? ''));
    if (!grant) return { ok: false, error: 'invalid_code' };
    this.grants.delete(String(args.code));
    const workspace = this.workspaces.get(grant.teamId) as FakeWorkspace;
    const token = `xoxb-${workspace.teamId}-${randomBytes(12).toString('hex')}`;
    this.tokens.set(token, workspace.teamId);
    this.issued.push(token);
    return {
      ok: true,
      access_token: token,
      token_type: 'bot',
      scope: grant.scopes,
      bot_user_id: workspace.botUserId,
      app_id: this.appId,
      // An Enterprise Grid org install names the organization and no workspace.
      team: grant.enterprise ? null : { id: workspace.teamId, name: workspace.teamName },
      enterprise: grant.enterprise ? { id: 'E0ORG00001', name: 'Grid Org' } : null,
      is_enterprise_install: grant.enterprise,
      authed_user: { id: grant.user },
    };
  }
}
