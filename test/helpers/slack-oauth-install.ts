/**
 * Installing the app in a fake workspace the way a browser does: GET /slack/install (the "Add to Slack"
 * page, which sets the state cookie), the fake Slack's grant for the scopes its authorize URL asks, then
 * GET /slack/oauth_redirect with the code, the state and the cookie.
 */
import type { FakeSlack } from '../fakes/slack/fake-slack.js';

export interface InstallResult {
  /** The redirect page's status and text. */
  status: number;
  text: string;
  /** The "Add to Slack" authorize URL the page linked to. */
  authorizeUrl: URL;
}

export interface InstallOptions {
  /** An Enterprise Grid org-wide install. */
  enterprise?: boolean;
  /** Leave the state cookie out (another browser, or a forged redirect). */
  withoutCookie?: boolean;
}

export async function installSlackApp(
  appUrl: string,
  fake: FakeSlack,
  teamId: string,
  options: InstallOptions = {},
): Promise<InstallResult> {
  const page = await fetch(`${appUrl}/slack/install`);
  const html = await page.text();
  if (page.status !== 200) throw new Error(`GET /slack/install answered ${page.status}: ${html}`);
  const href = /<a href="([^"]+)"/.exec(html)?.[1];
  if (!href) throw new Error(`no Add to Slack link in:\n${html}`);
  const authorizeUrl = new URL(href);
  const cookie = (page.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const code = fake.web.workspaces.grant(teamId, authorizeUrl.searchParams.get('scope') ?? '', {
    enterprise: options.enterprise,
  });
  const state = authorizeUrl.searchParams.get('state') ?? '';
  const redirect = await fetch(
    `${appUrl}/slack/oauth_redirect?code=${encodeURIComponent(code)}&state=${encodeURIComponent(state)}`,
    { headers: options.withoutCookie ? {} : { cookie }, redirect: 'manual' },
  );
  return { status: redirect.status, text: await redirect.text(), authorizeUrl };
}
