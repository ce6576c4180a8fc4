/**
 * Slack for many workspaces, on Bolt's own OAuth: the HTTPReceiver options that serve the "Add to Slack"
 * page and the redirect (state cookie and signed state, oauth.v2.access through SLACK_API_URL), the
 * refusal of Enterprise Grid org installs, and what an install or an uninstall does to a workspace's
 * subscriptions. Must not import commands, the core or the jobs.
 */
import type { ServerResponse } from 'node:http';
import { type HTTPReceiverOptions, webApi } from '@slack/bolt';
import type { Logger } from 'pino';
import { slackTeam } from '../../chat/team.js';
import { describeUnavailable, messageFor, ToprankError } from '../../errors.js';
import type { SubscriptionStore } from '../../subscriptions/subscription-store.js';
import { SLACK_BOT_SCOPES, SLACK_INSTALL_PATH, SLACK_OAUTH_REDIRECT_PATH } from './manifest.js';
import type { SlackInstallations } from './redis-installation-store.js';
import { errorName, slackErrorCode } from './slack-errors.js';

/** SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SLACK_STATE_SECRET, and where installations are kept. */
export interface SlackOAuthConfig {
  clientId: string;
  clientSecret: string;
  stateSecret: string;
  installations: SlackInstallations;
}

export interface SlackOAuthDeps {
  oauth: SlackOAuthConfig;
  /** The adapter's client options: SLACK_API_URL applies to oauth.v2.access and auth.test too. */
  clientOptions: webApi.WebClientOptions;
  store: SubscriptionStore;
  log: Logger;
  now: () => Date;
}

/** What an install and an uninstall do: the installation, and the workspace's subscriptions. */
export interface SlackInstallEvents {
  /** The app was uninstalled or its bot token revoked: forget the token, pause the subscriptions. */
  uninstalled(teamId: string, why: 'app_uninstalled' | 'tokens_revoked'): Promise<void>;
}

/** The OAuth part of the HTTPReceiver's options: Bolt's installer, with our store and pages. */
export function oauthReceiverOptions(
  deps: SlackOAuthDeps,
): Pick<
  HTTPReceiverOptions,
  'clientId' | 'clientSecret' | 'stateSecret' | 'installationStore' | 'scopes' | 'installerOptions'
> {
  const { oauth, log } = deps;
  const installations = oauth.installations;
  return {
    clientId: oauth.clientId,
    clientSecret: oauth.clientSecret,
    stateSecret: oauth.stateSecret,
    scopes: [...SLACK_BOT_SCOPES],
    installationStore: {
      ...installations,
      // A reinstall brings back what the uninstall paused.
      async storeInstallation(installation) {
        await installations.storeInstallation(installation);
        if (installation.team?.id) await resumeUninstalled(deps, installation.team.id);
      },
    },
    installerOptions: {
      installPath: SLACK_INSTALL_PATH,
      redirectUriPath: SLACK_OAUTH_REDIRECT_PATH,
      clientOptions: deps.clientOptions,
      callbackOptions: {
        // Before the installation is stored: an org-wide install has no one workspace to serve.
        async afterInstallation(installation, _options, _req, res) {
          if (!installation.isEnterpriseInstall) return true;
          log.warn({ enterprise: installation.enterprise?.id }, 'refused an Enterprise Grid org install');
          await revoke(deps, installation.bot?.token);
          refusalPage(res, new ToprankError('slack_org_install_refused'));
          return false;
        },
        success(installation, _options, _req, res) {
          log.info({ team: installation.team?.id }, 'slack workspace installed');
          res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
          res.end(
            page('toprank is installed', 'Invite it to a channel (/invite @toprank) and try /toprank.'),
          );
        },
      },
    },
  };
}

/** Uninstalls and revoked tokens: the installation goes, the workspace's subscriptions pause with the reason. */
export function createSlackInstallEvents(deps: SlackOAuthDeps): SlackInstallEvents {
  return {
    async uninstalled(teamId, why) {
      const removed = await deps.oauth.installations.remove(teamId);
      const paused = await deps.store.pauseTeam(slackTeam(teamId), [], {
        status: 'paused',
        reason: 'uninstalled',
        detail: describeUnavailable('uninstalled'),
        at: deps.now().toISOString(),
      });
      deps.log.info(
        { team: teamId, event: why, removed, paused },
        'slack app uninstalled: subscriptions paused',
      );
    },
  };
}

/** Resumes the workspace's subscriptions that its uninstall paused (not those paused for other reasons). */
async function resumeUninstalled(deps: SlackOAuthDeps, teamId: string): Promise<void> {
  const subs = await deps.store.listByTeam(slackTeam(teamId));
  const paused = subs.filter((s) => s.state.status === 'paused' && s.state.reason === 'uninstalled');
  for (const sub of paused) await deps.store.resume(sub.id);
  if (paused.length > 0)
    deps.log.info({ team: teamId, resumed: paused.length }, 'slack reinstall resumed subscriptions');
}

/** Gives back a token we will not use (the refused org install), so it does not linger at Slack. */
async function revoke(deps: SlackOAuthDeps, token: string | undefined): Promise<void> {
  if (!token) return;
  try {
    await new webApi.WebClient(token, { ...deps.clientOptions, retryConfig: { retries: 0 } }).auth.revoke();
  } catch (error) {
    deps.log.warn(
      { slackError: slackErrorCode(error) ?? errorName(error) },
      'could not revoke a refused install',
    );
  }
}

function refusalPage(res: ServerResponse, error: ToprankError): void {
  res.writeHead(400, { 'content-type': 'text/html; charset=utf-8' });
  res.end(page('Not installed', messageFor(error)));
}

/** A small page; its text is ours (no user input), so it needs no escaping beyond what we write. */
function page(title: string, text: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title></head><body style="font-family:sans-serif;text-align:center;padding:2em"><h2>${title}</h2><p>${text}</p></body></html>`;
}
