/**
 * The logger: pino, JSON by default. Every secret the configuration holds is scrubbed from every
 * string that reaches a log line, wherever it hides (a URL, an error message, a request echo), and
 * the usual header and token fields are redacted by path as well.
 */
import { type Logger, type LoggerOptions, pino } from 'pino';

export interface LoggerSettings {
  level: string;
  /** Values that must never appear in a log line. */
  secrets?: string[];
  /** Where lines go (default: stdout); tests pass a stream to read them. */
  destination?: pino.DestinationStream;
}

const redactPaths = [
  'token',
  '*.token',
  'authorization',
  '*.authorization',
  'headers.authorization',
  '*.headers.authorization',
  'req.headers.authorization',
  'req.headers["x-slack-signature"]',
];

/** Replaces each secret in `text` with [redacted]. */
function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) if (secret.length >= 6) out = out.split(secret).join('[redacted]');
  return out;
}

function scrubDeep(value: unknown, secrets: readonly string[], depth = 0): unknown {
  if (typeof value === 'string') return scrub(value, secrets);
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) {
    return {
      type: value.name,
      message: scrub(value.message, secrets),
      stack: scrub(value.stack ?? '', secrets),
    };
  }
  if (Array.isArray(value)) return value.map((v) => scrubDeep(v, secrets, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrubDeep(v, secrets, depth + 1)]));
}

export function createLogger(settings: LoggerSettings): Logger {
  const secrets = (settings.secrets ?? []).filter((s) => s.length >= 6);
  const options: LoggerOptions = {
    level: settings.level,
    base: { service: 'toprank' },
    redact: { paths: redactPaths, censor: '[redacted]' },
    formatters: { log: (object) => scrubDeep(object, secrets) as Record<string, unknown> },
    hooks: {
      logMethod(args, method) {
        method.apply(this, args.map((a) => scrubDeep(a, secrets)) as Parameters<typeof method>);
      },
    },
  };
  if (settings.destination) return pino(options, settings.destination);
  // A person at a terminal gets readable lines; services and pipes get JSON.
  if (process.stdout.isTTY && settings.level !== 'silent') {
    options.transport = { target: 'pino-pretty', options: { colorize: true } };
  }
  return pino(options);
}
