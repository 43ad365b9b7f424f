/**
 * The daemon removes upload temporaries (`.e2b-ts-upload-*`) that a dead envd left in a
 * sandbox's files (when envd is started again, and at the daemon's start-up). Those files are
 * the sandbox's, and root in it may have planted symlinks to host folders among them: the walk
 * must delete nothing outside the sandbox. Written as the attack, against a host folder full of
 * names the clean-up deletes.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SandboxRestartingError } from '../../src/index.js';
import { requireSandboxFolder } from '../helpers/local-backend.js';
import { createSandbox, run, startLocalBackend, type LocalBackend } from './kit.js';

let backend: LocalBackend;
let victim: string;
const TEMP = (n: number) => `.e2b-ts-upload-0123456789abcdef${String(n).padStart(8, '0')}`;

beforeAll(async () => {
  backend = await startLocalBackend();
  victim = mkdtempSync(join(tmpdir(), 'e2bts-victim-'));
  for (const n of [1, 2]) writeFileSync(join(victim, TEMP(n)), 'host data');
});
afterAll(async () => {
  await backend?.dispose();
  if (victim) rmSync(victim, { recursive: true, force: true });
});

describe('the clean-up of upload temporaries stays in the sandbox', () => {
  it('a symlinked folder and a symlinked temporary lead it nowhere', async () => {
    const sandbox = await createSandbox(backend);
    const planted = await run(
      sandbox,
      [
        `ln -s ${victim} /home/user/link`,
        `ln -s ${victim}/${TEMP(1)} /home/user/${TEMP(3)}`,
        `mkdir -p /tmp/deep && ln -s ${victim} /tmp/deep/${TEMP(4)}`,
        // one of its own, to see the clean-up happen
        `echo half > /home/user/${TEMP(5)}`,
      ].join(' && '),
    );
    expect(planted.exitCode, planted.stderr).toBe(0);
    const home = join(requireSandboxFolder(backend.home, sandbox.sandboxId), 'fs', 'home', 'user');
    expect(existsSync(join(home, TEMP(5)))).toBe(true);
    // envd dies: the daemon cleans the files before it starts envd again
    const record = JSON.parse(readFileSync(join(requireSandboxFolder(backend.home, sandbox.sandboxId), 'sandbox.json'), 'utf8')) as {
      process: { pid: number };
    };
    process.kill(record.process.pid, 'SIGKILL');
    for (let i = 0; i < 300 && existsSync(join(home, TEMP(5))); i++) await new Promise((r) => setTimeout(r, 100));
    expect(existsSync(join(home, TEMP(5)))).toBe(false);
    // the host folder is untouched, and so are the sandbox's links
    expect(readdirSync(victim).sort()).toEqual([TEMP(1), TEMP(2)]);
    expect(readFileSync(join(victim, TEMP(1)), 'utf8')).toBe('host data');
    // (envd may still be starting: "restarting" until it answers)
    const readlinks = () => run(sandbox, `readlink /home/user/link /home/user/${TEMP(3)} /tmp/deep/${TEMP(4)}`);
    let links = await readlinks().catch((e: unknown) => e);
    for (let i = 0; i < 300 && links instanceof SandboxRestartingError; i++) {
      await new Promise((r) => setTimeout(r, 100));
      links = await readlinks().catch((e: unknown) => e);
    }
    if (links instanceof Error) throw links;
    expect((links as { stdout: string }).stdout.trim().split('\n')).toEqual([victim, `${victim}/${TEMP(1)}`, victim]);
  });
});
