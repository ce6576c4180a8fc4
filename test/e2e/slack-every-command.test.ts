/**
 * Story: every command of commands/ is a Slack slash command of the same name, registered from the list
 * (never by hand): `/<name> help` answers each one privately with its own usage.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commands } from '../../commands/index.js';
import { type FakeKeyApi, startFakeKeyApi } from '../fakes/keyapi-server.js';
import { type SlackTestApp, startSlackTestApp, textsOf } from '../helpers/slack-test-app.js';

let keyapi: FakeKeyApi;
let app: SlackTestApp;

beforeAll(async () => {
  keyapi = await startFakeKeyApi();
  app = await startSlackTestApp(keyapi.url);
});
afterAll(async () => {
  await app.close();
  await keyapi.close();
});

describe('Slack slash commands', () => {
  it.each(commands.map((c) => [c.name]))('/%s help answers with its usage, privately', async (name) => {
    const { status, responseId } = await app.slash('help', { command: `/${name}` });
    expect(status).toBe(200);
    const reply = await app.response(responseId);
    expect(reply.response_type).toBe('ephemeral');
    expect(textsOf(reply.blocks).join('\n')).toContain(`/${name}`);
    expect(keyapi.requests).toEqual([]);
  });
});
