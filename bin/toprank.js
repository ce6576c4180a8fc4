#!/usr/bin/env node
// The `toprank` command: runs the compiled CLI (built by `npm ci` / `npm run build`).
import { existsSync } from 'node:fs';

const entry = new URL('../dist/src/main.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('toprank is not built yet. Run: npm run build\n');
  process.exit(1);
}
await import(entry.href);
