/**
 * Reading @slack/web-api failures: Slack's own `error` code when it answered, else the client's name for
 * what went wrong. Never the request, which can carry the token.
 */
import { webApi } from '@slack/bolt';

/** The `error` Slack answered with (`channel_not_found`), when the failure is one of Slack's answers. */
export function slackErrorCode(error: unknown): string | undefined {
  if (
    error &&
    typeof error === 'object' &&
    'code' in error &&
    error.code === webApi.ErrorCode.PlatformError
  ) {
    return (error as webApi.WebAPIPlatformError).data.error;
  }
  return undefined;
}

/** A failure's code or name, for logs. */
export function errorName(error: unknown): string {
  return error instanceof Error ? (((error as { code?: unknown }).code as string) ?? error.name) : 'unknown';
}
