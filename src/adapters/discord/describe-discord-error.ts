/**
 * What of a Discord failure may reach a log line: code, status, method and route. Never the error
 * object itself: DiscordAPIError carries the request body, and webhook URLs carry interaction tokens.
 * Imports discord.js error classes only.
 */
import { DiscordAPIError, HTTPError, RateLimitError } from 'discord.js';

/** Log-safe fields of any error met while talking to Discord. */
export interface DiscordErrorFields {
  kind: string;
  code?: number | string;
  status?: number;
  method?: string;
  route?: string;
  message?: string;
  stack?: string;
}

/** Log-safe fields of `error`: Discord's own errors without bodies or tokens, ours with their stack. */
export function describeDiscordError(error: unknown): DiscordErrorFields {
  if (error instanceof DiscordAPIError) {
    return {
      kind: 'DiscordAPIError',
      code: error.code,
      status: error.status,
      method: error.method,
      route: routeOf(error.url),
    };
  }
  if (error instanceof HTTPError) {
    return { kind: 'HTTPError', status: error.status, method: error.method, route: routeOf(error.url) };
  }
  if (error instanceof RateLimitError) {
    return { kind: 'RateLimitError', method: error.method, route: routeOf(error.route) };
  }
  if (error instanceof Error) {
    return { kind: error.name, message: error.message, ...(error.stack ? { stack: error.stack } : {}) };
  }
  return { kind: typeof error };
}

/** The Discord error code of `error`, when Discord sent one. */
export function discordCode(error: unknown): number | string | undefined {
  return error instanceof DiscordAPIError ? error.code : undefined;
}

/** A URL's path with interaction and webhook tokens replaced, and no query string. */
function routeOf(url: string): string {
  let path = url;
  try {
    path = new URL(url).pathname;
  } catch {
    path = url.split('?')[0] ?? '';
  }
  return path.replace(/\/(interactions|webhooks)\/(\d+)\/[^/]+/g, '/$1/$2/:token');
}
