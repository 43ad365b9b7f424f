/**
 * Another local user, for the security tests' multi-user attacks: an unprivileged account the
 * test creates when it runs as root (CI does). The attacker's programs run as that account, with
 * an environment of their own (no E2B_* variables, no HOME of the test's user).
 */
import { spawn, spawnSync } from 'node:child_process';

/** Name of the account the security tests attack from. */
export const ATTACKER = 'e2bts-attacker';

export interface Account {
  name: string;
  uid: number;
  gid: number;
  /** Runs a program as this account and collects its output (never throws on a non-zero exit). */
  run(command: string, args: string[], opts?: { input?: string | Buffer; env?: Record<string, string>; timeoutMs?: number }): Promise<RunResult>;
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

function lookup(name: string): { uid: number; gid: number } | undefined {
  const id = spawnSync('id', ['-u', name], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', name], { encoding: 'utf8' });
  if (id.status !== 0 || gid.status !== 0) return undefined;
  return { uid: Number(id.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

/**
 * The attacker account, created on first use; or the reason there is none (the caller prints it
 * and skips). Test files run in parallel, so a creation that loses a race finds the account made.
 */
export function attackerAccount(): Account | { skip: string } {
  if (process.platform !== 'linux') return { skip: 'multi-user attacks need Linux' };
  if (process.getuid?.() !== 0) return { skip: 'creating an unprivileged account needs root (CI runs as root)' };
  let ids = lookup(ATTACKER);
  if (!ids) {
    const made = spawnSync('useradd', ['--system', '--no-create-home', '--shell', '/bin/sh', ATTACKER], { encoding: 'utf8' });
    ids = lookup(ATTACKER);
    if (!ids) return { skip: `could not create the account ${ATTACKER}: ${made.stderr.trim() || made.error?.message || 'useradd failed'}` };
  }
  const { uid, gid } = ids;
  return {
    name: ATTACKER,
    uid,
    gid,
    run: (command, args, opts = {}) =>
      new Promise((resolve) => {
        const child = spawn(command, args, {
          uid,
          gid,
          cwd: '/',
          env: { PATH: '/usr/local/bin:/usr/bin:/bin', HOME: '/nonexistent', LANG: 'C.UTF-8', ...opts.env },
          stdio: ['pipe', 'pipe', 'pipe'],
        });
        const out: Buffer[] = [];
        const err: Buffer[] = [];
        child.stdout.on('data', (d: Buffer) => out.push(d));
        child.stderr.on('data', (d: Buffer) => err.push(d));
        child.stdin.on('error', () => {});
        child.stdin.end(opts.input ?? '');
        const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 30_000);
        child.on('error', (error) => {
          clearTimeout(timer);
          resolve({ code: null, stdout: '', stderr: error.message });
        });
        child.on('close', (code) => {
          clearTimeout(timer);
          resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
        });
      }),
  };
}
