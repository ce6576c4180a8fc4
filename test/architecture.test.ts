/**
 * The arrows of DESIGN.md, enforced: the core (keyapi, ranking, subscriptions, chat, commands) never
 * reaches a chat library, BullMQ, an adapter or the jobs; adapters never reach the jobs; jobs reach a
 * platform only through the ChatAdapter port. The modules at the root of src/ (services.ts included)
 * reach no adapter, job or CLI; only main.ts wires src/cli, which may wire everything; keys.ts and
 * errors.ts import nothing of the project. Also the 400-line cap on source files.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(join(root, dir)).flatMap((name) => {
    const path = join(dir, name);
    return statSync(join(root, path)).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** Every module a file imports: packages by name, project files by path from the root. */
function importsOf(file: string): string[] {
  const text = readFileSync(join(root, file), 'utf8');
  const specifiers = [...text.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)['"]([^'"]+)['"]/g)].map(
    (m) => m[1] ?? '',
  );
  return specifiers.map((s) => (s.startsWith('.') ? relative(root, resolve(root, dirname(file), s)) : s));
}

const chatLibraries = /^(discord\.js|@discordjs\/|@slack\/|bullmq)/;

const rules: { layer: string; forbidden: (target: string) => boolean; why: string }[] = [
  {
    layer: 'src/keyapi',
    forbidden: (t) => /^(src\/(ranking|chat|subscriptions|adapters|jobs)|commands)\//.test(t),
    why: 'the KeyAPI client knows HTTP only',
  },
  {
    layer: 'src/ranking',
    forbidden: (t) => /^(src\/(chat|subscriptions|adapters|jobs)|commands)\//.test(t),
    why: 'ranking knows leaderboards, not chat',
  },
  {
    layer: 'src/charts',
    forbidden: (t) => /^(src\/(chat|subscriptions|adapters|jobs|keyapi)|commands)\//.test(t),
    why: 'charts draw data: ranking types in, PNG bytes out',
  },
  {
    layer: 'src/chat',
    forbidden: (t) => /^(src\/(adapters|jobs|subscriptions)|commands)\//.test(t),
    why: 'chat is the port',
  },
  {
    layer: 'src/subscriptions',
    forbidden: (t) => /^(src\/(adapters|jobs|chat)|commands)\//.test(t),
    why: 'storage only',
  },
  {
    layer: 'commands',
    forbidden: (t) => /^src\/(adapters|jobs)\//.test(t),
    why: 'commands are platform-neutral',
  },
  {
    layer: 'src/adapters',
    forbidden: (t) => /^src\/jobs\//.test(t),
    why: 'adapters translate; jobs use them',
  },
  {
    layer: 'src/http',
    forbidden: (t) =>
      chatLibraries.test(t) || /^(src\/(adapters|jobs|keyapi|ranking|subscriptions)|commands)\//.test(t),
    why: 'HTTP routes requests; it knows no platform and no business rule',
  },
  {
    layer: 'src/sample',
    forbidden: (t) =>
      chatLibraries.test(t) || /^(src\/(adapters|jobs|chat|subscriptions)|commands)\//.test(t),
    why: 'the sample KeyAPI speaks only the seed contract',
  },
  {
    layer: 'src/jobs',
    forbidden: (t) => /^(src\/(adapters|keyapi)|commands)\//.test(t),
    why: 'jobs use ranking for data and reach platforms through the port',
  },
];

/** The modules directly in src/ (not in a layer's folder). */
function rootFiles(): string[] {
  return readdirSync(join(root, 'src'))
    .filter((name) => name.endsWith('.ts') && statSync(join(root, 'src', name)).isFile())
    .map((name) => `src/${name}`);
}

const projectFile = /^(src|commands)\//;

/** Root modules that every layer may import: they import nothing of the project (node: builtins only). */
const leaves = ['src/keys.ts', 'src/errors.ts', 'src/clean-text.ts'];

const core = ['src/keyapi', 'src/ranking', 'src/subscriptions', 'src/chat', 'src/charts', 'commands'];

describe('architecture', () => {
  it('keeps chat libraries and BullMQ out of the core', () => {
    const offenders = core
      .flatMap((dir) => sourceFiles(dir))
      .flatMap((file) =>
        importsOf(file)
          .filter((t) => chatLibraries.test(t))
          .map((t) => `${file} → ${t}`),
      );
    expect(offenders).toEqual([]);
  });

  it.each(rules)('keeps $layer to its own side of the arrows ($why)', ({ layer, forbidden }) => {
    const offenders = sourceFiles(layer).flatMap((file) =>
      importsOf(file)
        .filter(forbidden)
        .map((t) => `${file} → ${t}`),
    );
    expect(offenders).toEqual([]);
  });

  it('keeps the root modules of src/ off adapters, jobs, the CLI and chat libraries (main.ts wires them)', () => {
    const offenders = rootFiles()
      .filter((file) => file !== 'src/main.ts')
      .flatMap((file) =>
        importsOf(file)
          .filter((t) => chatLibraries.test(t) || /^src\/(adapters|jobs|cli)\/|^src\/main\.[jt]s$/.test(t))
          .map((t) => `${file} → ${t}`),
      );
    expect(offenders).toEqual([]);
  });

  it('keeps src/keys.ts, src/errors.ts and src/clean-text.ts free of project imports, so every layer may use them', () => {
    const offenders = leaves.flatMap((file) =>
      importsOf(file)
        .filter((t) => projectFile.test(t) || !t.startsWith('node:'))
        .map((t) => `${file} → ${t}`),
    );
    expect(offenders).toEqual([]);
  });

  it('lets only main.ts and the CLI itself import src/cli, and nothing import main.ts', () => {
    const offenders = [...rootFiles(), ...['src', 'commands'].flatMap((dir) => sourceFiles(dir))]
      .filter((file) => file !== 'src/main.ts' && !file.startsWith('src/cli/'))
      .flatMap((file) =>
        importsOf(file)
          .filter((t) => /^src\/cli\/|^src\/main\.[jt]s$/.test(t))
          .map((t) => `${file} → ${t}`),
      );
    expect(offenders).toEqual([]);
  });

  it('keeps every source file under 400 lines', () => {
    const long = ['src', 'commands']
      .flatMap((dir) => sourceFiles(dir))
      .map((file) => ({ file, lines: readFileSync(join(root, file), 'utf8').split('\n').length }))
      .filter((f) => f.lines > 400);
    expect(long).toEqual([]);
  });

  it('notices a forbidden import (the check itself works)', () => {
    expect(chatLibraries.test('discord.js')).toBe(true);
    expect(rules.find((r) => r.layer === 'src/ranking')?.forbidden('src/adapters/discord/render.ts')).toBe(
      true,
    );
  });
});
