// Fake Slack for tests: one loopback server serving the Web API (`/api/`), response_url endpoints
// (`/respond/:id`) and Socket Mode (`/socket`). Point Bolt at it with
// `new App({ token, signingSecret, clientOptions: { slackApiUrl: fake.apiUrl } })`.
import { FakeSlackWebApi, type SlackWebApiOptions } from './slack-web-api.js';

export interface FakeSlack {
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** `${url}/api/`, the value for `clientOptions.slackApiUrl` (the trailing slash matters). */
  apiUrl: string;
  web: FakeSlackWebApi;
  /** Ends every HTTP and WebSocket connection and stops listening. */
  close(): Promise<void>;
}

export async function startFakeSlack(opts: SlackWebApiOptions = {}): Promise<FakeSlack> {
  const web = new FakeSlackWebApi(opts);
  const url = await web.listen();
  return { url, apiUrl: `${url}/api/`, web, close: () => web.close() };
}
