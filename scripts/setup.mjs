#!/usr/bin/env node
// Gets a fresh machine ready for `npm run demo`, `npm test` and `npm run bench`: installs the npm
// dependencies when they are missing and makes sure a redis-server binary exists (unless REDIS_URL
// points at one), installing it with apt on Debian as root, otherwise naming the exact command.
import { execSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const run = (command) => execSync(command, { stdio: 'inherit' });
const has = (binary) => !spawnSync(binary, ['--version'], { stdio: 'ignore' }).error;

if (!existsSync('node_modules/.package-lock.json')) {
  console.error('Installing dependencies (npm ci)…');
  run('npm ci');
}

if (!process.env.REDIS_URL && !has('redis-server')) {
  const root = process.getuid?.() === 0;
  if (root && has('apt-get')) {
    console.error('redis-server is missing: installing it with apt-get…');
    try {
      run('apt-get install -y redis-server');
    } catch {
      run('apt-get update && apt-get install -y redis-server');
    }
  } else {
    console.error(
      'redis-server is missing. Install it, then run this again:\n' +
        '  sudo apt-get install -y redis-server     (Debian/Ubuntu)\n' +
        '  brew install redis                       (macOS)\n' +
        'or point REDIS_URL at a Redis you already run.',
    );
    process.exit(1);
  }
}
