/**
 * `e2b-ts volume` on a real terminal (node-pty): `volume cp` draws a progress line on stderr and
 * ends with its verified summary; `volume rm` asks before deleting (no deletes nothing, yes
 * deletes), where off a terminal it wants -y (test/e2e/volume-cli.test.ts).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, runCli } from '../helpers/cli.js';
import { startLocalBackend, type LocalBackend } from '../helpers/local-backend.js';
import { cliBin, repoRoot } from '../helpers/paths.js';
import { Terminal } from '../helpers/terminal.js';

let backend: LocalBackend;
let work: string;
const terminals: Terminal[] = [];

function open(args: string[]): Terminal {
  const t = new Terminal(process.execPath, [cliBin, '--local', ...args], {
    env: cleanEnv({ E2B_TS_HOME: backend.home, TERM: 'xterm-256color' }),
    cwd: repoRoot,
  });
  terminals.push(t);
  return t;
}

const cli = (args: string[]) => runCli(['--local', ...args], { env: { E2B_TS_HOME: backend.home } });

beforeAll(async () => {
  backend = await startLocalBackend();
  work = mkdtempSync(join(tmpdir(), 'e2bts-voltty-'));
  expect((await cli(['volume', 'create', 'tty'])).code).toBe(0);
});
afterAll(async () => {
  for (const t of terminals) await t.dispose();
  await backend?.dispose();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('volume on a terminal', () => {
  it('cp shows progress and a verified summary', async () => {
    const file = join(work, 'big.bin');
    writeFileSync(file, randomBytes(8 << 20));
    const t = open(['volume', 'cp', file, 'tty:/big.bin']);
    await t.waitFor(/MiB\/s|KiB\/s|B\/s/, { what: 'a progress line', timeoutMs: 60_000 });
    await t.waitFor(/Copied .* \(1 file, 8(\.0)? MiB, verified\)/, { what: 'the summary', timeoutMs: 60_000 });
    expect((await t.waitExit(30_000)).exitCode).toBe(0);
  }, 120_000);

  it('rm asks first: no keeps the volume, yes deletes it', async () => {
    const no = open(['volume', 'rm', 'tty']);
    await no.waitFor(/Delete tty with all files\?/, { what: 'the question', timeoutMs: 30_000 });
    no.write('n\r');
    expect((await no.waitExit(30_000)).exitCode).toBe(130);
    expect(JSON.parse((await cli(['volume', 'ls', '--json'])).stdout)).toHaveLength(1);

    const yes = open(['volume', 'rm', 'tty']);
    await yes.waitFor(/Delete tty with all files\?/, { what: 'the question', timeoutMs: 30_000 });
    yes.write('y\r');
    expect((await yes.waitExit(30_000)).exitCode).toBe(0);
    expect(JSON.parse((await cli(['volume', 'ls', '--json'])).stdout)).toEqual([]);
  }, 120_000);
});
