/**
 * README.md's library section, word for word: its code block is cut out of the README and run
 * as a program, once with `e2b-ts` and once with the import changed to the official `e2b`
 * package and the lines marked `e2b-ts:` (our additions) left out, against a local backend
 * configured through the environment, as a user's program would be.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalBackend } from '../helpers/local-backend.js';
import { repoRoot } from '../helpers/paths.js';
import { localEnv, type LocalEnv } from './sandbox-scenarios.js';
import { startLocalBackend } from '../helpers/local-backend.js';

let backend: LocalBackend;
let env: LocalEnv;
let dir: string;

beforeAll(async () => {
  backend = await startLocalBackend();
  env = await localEnv(backend);
  dir = mkdtempSync(join(tmpdir(), 'e2bts-readme-'));
}, 120_000);
afterAll(async () => {
  await backend?.dispose();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The first ```ts block under "## The library". */
function libraryBlock(): string {
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('\n## The library\n'));
  const match = /```ts\n([\s\S]*?)```/.exec(section);
  if (!match) throw new Error('README.md has no ts block under "## The library"');
  return match[1];
}

function runProgram(name: string, source: string): { status: number | null; stdout: string; stderr: string } {
  const file = join(dir, `${name}.mjs`);
  writeFileSync(file, source);
  const res = spawnSync(process.execPath, [file], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? dir, ...env },
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { status: res.status, stdout: res.stdout, stderr: res.stderr };
}

describe("README's library section", () => {
  it('runs as written with e2b-ts', () => {
    writeFileSync(join(dir, 'data.bin'), Buffer.alloc(4096, 7));
    const source = libraryBlock().replace("from 'e2b-ts'", `from '${pathToFileURL(join(repoRoot, 'dist/index.js')).href}'`);
    expect(source).not.toContain("'e2b-ts'");
    const res = runProgram(
      'ours',
      `${source}\nconsole.log(JSON.stringify({ stdout, exitCode, notes: await notes.text(), sent: sent.size, got: got.size }));\n`,
    );
    expect(res.stderr).toBe('');
    expect(res.status).toBe(0);
    const lines = res.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^i[a-z0-9]{20} true$/);
    expect(res.stdout).toContain('1\n2\n3\n');
    expect(lines.at(-2)).toBe('hi');
    expect(JSON.parse(lines.at(-1)!)).toEqual({ stdout: 'Linux\n', exitCode: 2, notes: 'hello', sent: 4096, got: 4096 });
    expect(readFileSync(join(dir, 'out.bin')).equals(Buffer.alloc(4096, 7))).toBe(true);
  });

  it('runs with the official SDK once the import is changed and the lines marked e2b-ts: are left out', () => {
    const block = libraryBlock();
    const marked = block.split('\n').filter((line) => line.includes('// e2b-ts:'));
    expect(marked.length).toBeGreaterThan(0);
    const sdkEntry = pathToFileURL(join(repoRoot, 'node_modules/e2b/dist/index.mjs')).href;
    const source = block
      .split('\n')
      .filter((line) => !line.includes('// e2b-ts:'))
      .join('\n')
      .replace("from 'e2b-ts'", `from '${sdkEntry}'`);
    const res = runProgram('sdk', `${source}\nconsole.log(JSON.stringify({ stdout, exitCode, notes: await notes.text() }));\n`);
    expect(res.stderr).toBe('');
    expect(res.status).toBe(0);
    const lines = res.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^i[a-z0-9]{20} true$/);
    expect(lines.at(-2)).toBe('hi');
    expect(JSON.parse(lines.at(-1)!)).toEqual({ stdout: 'Linux\n', exitCode: 2, notes: 'hello' });
  });
});
