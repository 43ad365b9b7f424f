/**
 * IDs are not secrets, but the backend must not hand them out: with the ID of an unsecured
 * sandbox, any local user could run commands in it through the daemon. The security issue found
 * them in every process list (bubblewrap's command line) and in a listable state folder. Written
 * as the attack, from an unprivileged account: everything a local user can read about other
 * users' processes, mounts and cgroups, and the state folder.
 */
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attackerAccount, type Account } from '../helpers/accounts.js';
import { runCli } from '../helpers/cli.js';
import { connection, createSandbox, startLocalBackend, type LocalBackend } from './kit.js';

const account = attackerAccount();
const skip = 'skip' in account ? account.skip : undefined;
if (skip) console.warn(`ids-and-state: skipped: ${skip}`);
const attacker = account as Account;

let backend: LocalBackend;
let home: string;
const ids: string[] = [];

beforeAll(async () => {
  if (skip) return;
  // A state folder open to others, as a user might have made it before the backend's first start.
  home = join(mkdtempSync(join(tmpdir(), 'e2bts-ids-')), 'state');
  mkdirSync(home, { mode: 0o755 });
  chmodSync(home, 0o755);
  backend = await startLocalBackend({ home });
  const secure = await createSandbox(backend);
  const open = await createSandbox(backend, { secure: false });
  const paused = await createSandbox(backend, { secure: false });
  await fetch(`${backend.url}/sandboxes/${paused.sandboxId}/pause`, { method: 'POST', headers: { 'X-API-Key': connection(backend).apiKey! } });
  ids.push(secure.sandboxId, open.sandboxId, paused.sandboxId);
});
afterAll(async () => {
  await backend?.dispose();
  if (home) rmSync(join(home, '..'), { recursive: true, force: true });
});

describe.skipIf(skip !== undefined)('another local user learns no sandbox ID', () => {
  it('not from process lists, command lines, mount tables, cgroups, the state folder or /tmp', async () => {
    const look = [
      'ps -eo pid,args 2>&1',
      'for p in /proc/[0-9]*; do for f in cmdline mountinfo cgroup environ; do tr "\\0" " " < $p/$f 2>/dev/null; echo; done; done',
      `ls -laR ${backend.home} 2>&1 | head -500`,
      'find /sys/fs/cgroup -maxdepth 4 2>/dev/null | head -5000',
      'ls -la /tmp /var/tmp /dev/shm 2>&1',
    ].join('; ');
    const seen = await attacker.run('sh', ['-c', look], { timeoutMs: 60_000 });
    const everything = seen.stdout + seen.stderr;
    for (const id of ids) expect(everything, `sandbox ${id}`).not.toContain(id);
    // positive controls: the attacker did read the sandboxes' processes and their mount tables
    expect(everything).toContain('/run/e2b-bin/envd.mjs');
    expect(everything).toMatch(/\/run\/e2b /);
  });

  it('a state folder found open to others was made private (0700), and says so in its log', async () => {
    expect(statSync(backend.home).mode & 0o777).toBe(0o700);
    const res = await attacker.run('ls', [join(backend.home, 'sandboxes')]);
    expect(res.code).not.toBe(0);
    expect(res.stderr).toMatch(/Permission denied/);
    expect(readFileSync(join(backend.home, 'daemon.log'), 'utf8')).toMatch(/was open to other users \(mode 0755\); it is now 0700/);
  });

  it('a state folder that belongs to another user is refused with a clear message', async () => {
    const foreign = mkdtempSync(join(tmpdir(), 'e2bts-foreign-'));
    chownSync(foreign, attacker.uid, attacker.gid);
    try {
      const res = await runCli(['local', 'start'], { env: { E2B_TS_HOME: foreign } });
      expect(res.code).toBe(1);
      expect(res.stderr.trim().split('\n')).toHaveLength(1);
      expect(res.stderr).toContain(`belongs to uid ${attacker.uid}, not to you`);
    } finally {
      rmSync(foreign, { recursive: true, force: true });
    }
  });
});
