/**
 * The alert options shared by /toprank-subscribe and /toprank-watch, declared once: the climb
 * threshold and the quiet hours (`22:00-08:00`, or `off`), in the command's time zone.
 */
import { z } from 'zod';
import { parseQuietWindow } from '../src/subscriptions/quiet-hours.js';
import type { OptionSpec } from './define-command.js';

/** Climbs of at least this many places are alerted (1–50). */
export const alertClimbSchema = z.coerce.number().int().min(1).max(50);

export const quietOption = {
  description: 'Hold alerts during these hours, HH:MM-HH:MM in the time zone (e.g. 22:00-08:00), or off',
  type: 'string',
  schema: z
    .string()
    .transform((text, ctx) => {
      const window = parseQuietWindow(text);
      if (window === undefined) ctx.addIssue({ code: 'custom', message: 'not a window' });
      return window ?? null;
    })
    .optional(),
  allowed: 'two 24-hour times HH:MM-HH:MM such as 22:00-08:00, or off',
  example: '22:00-08:00',
} satisfies OptionSpec;
