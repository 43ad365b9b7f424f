/**
 * Robust start-up, from the security issue: a state folder reached through a symlink works, a
 * long state path does not push envd's socket past the 108-byte `sun_path` limit, bubblewrap's
 * own error reaches the user when a sandbox cannot start, and the backend run by an ordinary
 * account (bubblewrap in a user namespace) still isolates.
 */
import { spawnSync } from 'node:child_process';
import { chownSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { attackerAccount, type Account } from '../helpers/accounts.js';
import { runCli } from '../helpers/cli.js';
import { cliBin } from '../helpers/paths.js';

const cleanups: Array<() => void> = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) fn();
});

/** A scratch folder, removed after the test (after `local stop` of any backend in it). */
function scratch(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function stopBackend(home: string): Promise<void> {
  await runCli(['local', 'stop'], { env: { E2B_TS_HOME: home } });
}

describe('start-up', () => {
  it('a state folder reached through a symlink works, and keeps files across a restart', async () => {
    const base = scratch('e2bts-link-');
    const real = join(base, 'real-state');
    mkdirSync(real, { mode: 0o700 });
    const link = join(base, 'link-to-state');
    symlinkSync(real, link);
    const env = { E2B_TS_HOME: link };
    try {
      const created = await runCli(['--local', 'sandbox', 'create'], { env });
      expect(created.code, created.stderr).toBe(0);
      const id = created.stdout.trim();
      expect((await runCli(['--local', 'exec', id, '--', 'sh', '-c', 'echo kept > /home/user/f'], { env })).code).toBe(0);
      await stopBackend(link);
      // the next command starts the daemon again; the sandbox comes back paused, files kept
      expect((await runCli(['--local', 'sandbox', 'resume', id], { env })).code).toBe(0);
      const again = await runCli(['--local', 'exec', id, '--', 'cat', '/home/user/f'], { env });
      expect(again.stdout.trim()).toBe('kept');
    } finally {
      await stopBackend(link);
    }
  });

  it('a state path of 200 characters still starts sandboxes (envd sockets are named short)', async () => {
    const base = scratch('e2bts-long-');
    const home = join(base, 'x'.repeat(90), 'y'.repeat(90));
    expect(home.length).toBeGreaterThan(190);
    const env = { E2B_TS_HOME: home };
    try {
      const res = await runCli(['--local', 'run', '--', 'echo', 'short-enough'], { env });
      expect(res.code, res.stderr).toBe(0);
      expect(res.stdout.trim()).toBe('short-enough');
    } finally {
      await stopBackend(home);
    }
  });

  it("bubblewrap's own error reaches the user when a sandbox cannot start", async () => {
    // A `bwrap` first on PATH that asks the real one for a mount that cannot be made.
    const bin = scratch('e2bts-bwrap-wrapper-');
    const realBwrap = spawnSync('sh', ['-c', 'command -v bwrap'], { encoding: 'utf8' }).stdout.trim();
    writeFileSync(
      join(bin, 'bwrap'),
      `#!/bin/sh\ncase "$1" in --args) exec ${realBwrap} --ro-bind /nonexistent-e2bts-source /mnt "$@";; esac\nexec ${realBwrap} "$@"\n`,
      { mode: 0o755 },
    );
    const home = join(scratch('e2bts-bwrap-error-'), 'state');
    const env = { E2B_TS_HOME: home, E2B_TS_RUNTIME: 'bubblewrap', PATH: `${bin}:${process.env.PATH}` };
    try {
      const res = await runCli(['--local', 'sandbox', 'create'], { env });
      expect(res.code).toBe(1);
      expect(res.stderr.trim().split('\n')).toHaveLength(1);
      expect(res.stderr).toContain(
        "could not start the sandbox: the sandbox exited before envd was ready (exit code 1): bwrap: Can't find source path /nonexistent-e2bts-source",
      );
    } finally {
      await stopBackend(home);
    }
  });
});

const account = attackerAccount();
const skipUnprivileged = 'skip' in account ? account.skip : undefined;
if (skipUnprivileged) console.warn(`startup: the unprivileged-backend case is skipped: ${skipUnprivileged}`);

describe.skipIf(skipUnprivileged !== undefined)('a backend run by an ordinary account', () => {
  it('starts sandboxes that see neither the host secrets nor its data', async (ctx) => {
    const user = account as Account;
    const readable = await user.run('test', ['-r', cliBin]);
    if (readable.code !== 0) {
      console.warn(`startup: the unprivileged-backend case is skipped: ${cliBin} is not readable by ${user.name}`);
      ctx.skip();
    }
    const base = scratch('e2bts-unprivileged-');
    chownSync(base, user.uid, user.gid);
    const home = join(base, 'state');
    const env = { E2B_TS_HOME: home, HOME: base };
    try {
      const res = await user.run(
        process.execPath,
        [cliBin, '--local', 'run', '--', 'sh', '-c', 'id -un; cat /etc/hostname; test -e /etc/ssl/private/x; ls /var/lib | wc -l; echo done'],
        { env, timeoutMs: 60_000 },
      );
      expect(res.code, res.stderr).toBe(0);
      expect(res.stdout.trim().split('\n')).toEqual(['user', 'e2b', '0', 'done']);
    } finally {
      await user.run(process.execPath, [cliBin, 'local', 'stop'], { env });
    }
  });
});
