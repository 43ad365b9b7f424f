/**
 * Which local runtime a suite's backend runs (E2B_TS_RUNTIME, set for the `unisolated` project in
 * vitest.config.ts and passed on to the daemon by local-backend.ts), and what that means for
 * paths, processes and users, so one suite can assert the same behaviour under both:
 *
 * - bubblewrap (the default here): every sandbox sees its own `/home/user` and `/tmp`, which are
 *   `<sandbox folder>/fs/home/user` and `<sandbox folder>/fs/tmp` on this machine; the sandbox
 *   has its own PID namespace; `user` is uid 1000, `root` uid 0.
 * - unisolated (src/local/runtime/unisolated.ts): no path mapping, a path means this machine's
 *   path; each sandbox's home for `user` is the host folder `<sandbox folder>/fs/home/user`, its
 *   TMPDIR `<sandbox folder>/fs/tmp`; processes share the host's PID namespace and are told
 *   apart by E2B_TS_SANDBOX_MARK in their environment; every user runs as the daemon's own uid.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import type { CliResult } from './cli.js';
import { requireSandboxFolder } from './local-backend.js';

export const UNISOLATED = process.env.E2B_TS_RUNTIME === 'unisolated';
/** The runtime `local status` must report for this suite's backend. */
export const RUNTIME = UNISOLATED ? 'unisolated' : 'bubblewrap';

/** Appends the runtime to a describe title in the unisolated run, so reports (JSON too) tell the two runs apart. */
export const titled = (name: string): string => (UNISOLATED ? `${name} [unisolated]` : name);

/** A sandbox's home for `user`, as a sandbox path (what processes and the file API use). */
export function sandboxHome(backendHome: string, id: string): string {
  return UNISOLATED ? join(requireSandboxFolder(backendHome, id), 'fs', 'home', 'user') : '/home/user';
}

/** A sandbox's temporary folder (TMPDIR in unisolated; /tmp, its own, under bubblewrap). */
export function sandboxTmp(backendHome: string, id: string): string {
  return UNISOLATED ? join(requireSandboxFolder(backendHome, id), 'fs', 'tmp') : '/tmp';
}

/** Where a sandbox path is on this machine: the same path in unisolated, under the sandbox's `fs` folder otherwise. */
export function hostPathOf(backendHome: string, id: string, path: string): string {
  return UNISOLATED ? path : join(requireSandboxFolder(backendHome, id), 'fs', path);
}

/** Escapes a string for use inside a RegExp. */
export const reEscape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Who the sandbox's users are: bubblewrap maps `user` to uid 1000 and `root` to 0; unisolated runs
 * both as the daemon's own user (this test process's), named as this machine's account files say.
 */
export function sandboxUsers(): { user: { name: string; uid: number; group: string }; root: { name: string; uid: number } } {
  if (!UNISOLATED) return { user: { name: 'user', uid: 1000, group: 'user' }, root: { name: 'root', uid: 0 } };
  const me = userInfo();
  const group = spawnSync('id', ['-gn'], { encoding: 'utf8' }).stdout.trim();
  return { user: { name: me.username, uid: me.uid, group }, root: { name: me.username, uid: me.uid } };
}

type Cli = (args: string[]) => Promise<CliResult>;

/**
 * Checks that the sandbox's HOME and temporary folder are where this helper says, so a wrong
 * assumption fails loudly once instead of as a confusing path mismatch in every test.
 */
export async function checkSandboxPaths(cli: Cli, backendHome: string, id: string): Promise<void> {
  const r = await cli(['exec', id, '--', 'sh', '-c', 'printf "%s\\n%s\\n" "$HOME" "${TMPDIR:-/tmp}"']);
  const want = `${sandboxHome(backendHome, id)}\n${sandboxTmp(backendHome, id)}\n`;
  // the suites put these paths into shell lines unquoted
  if (!/^[\w/.-]+\n[\w/.-]+\n$/.test(want)) throw new Error(`sandbox ${id}: its folders need quoting in shell lines: ${JSON.stringify(want)}`);
  if (r.code !== 0 || r.stdout !== want) {
    throw new Error(
      `sandbox ${id} (${RUNTIME}): HOME and TMPDIR are not what the suite assumes: want ${JSON.stringify(want)}, ` +
        `got code ${r.code} stdout ${JSON.stringify(r.stdout)} stderr ${JSON.stringify(r.stderr)}`,
    );
  }
}

/** Checks that the backend runs the runtime this suite is meant for. */
export async function checkRuntime(run: (args: string[]) => Promise<CliResult>): Promise<void> {
  const r = await run(['local', 'status']);
  const runtime = /^runtime\t([\w-]+)/m.exec(r.stdout)?.[1];
  if (runtime !== RUNTIME) throw new Error(`the backend runs ${runtime ?? '(unknown)'}, this suite expects ${RUNTIME}: ${r.stdout}${r.stderr}`);
}

const marks = new Map<string, string>();

/** The sandbox's E2B_TS_SANDBOX_MARK (unisolated), read once from a process in it. */
export async function sandboxMark(cli: Cli, id: string): Promise<string> {
  const known = marks.get(id);
  if (known) return known;
  const r = await cli(['exec', id, '--', 'sh', '-c', 'echo "$E2B_TS_SANDBOX_MARK"']);
  const mark = r.stdout.trim();
  if (r.code !== 0 || !/^[0-9a-f]{16,}$/.test(mark))
    throw new Error(`no E2B_TS_SANDBOX_MARK in sandbox ${id}: code ${r.code} ${JSON.stringify(r.stdout)} ${JSON.stringify(r.stderr)}`);
  marks.set(id, mark);
  return mark;
}

/**
 * PIDs of this machine's processes that carry `mark` in their environment and match: the
 * unisolated stand-in for `pgrep` inside a sandbox (which there would see every host process).
 * `comm` is the kernel's process name (what `pgrep -x` matches), `args` the command line.
 */
export function markedProcesses(mark: string, match: (p: { comm: string; args: string }) => boolean): number[] {
  const entry = `\0E2B_TS_SANDBOX_MARK=${mark}`;
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      // NUL-separated; empty for a zombie (it has ended, as pgrep's caller means by "gone")
      const environ = `\0${readFileSync(`/proc/${name}/environ`, 'latin1')}`;
      if (!environ.includes(`${entry}\0`) && !environ.endsWith(entry)) continue;
      const comm = readFileSync(`/proc/${name}/comm`, 'utf8').replace(/\n$/, '');
      const args = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
      if (match({ comm, args })) pids.push(Number(name));
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return pids;
}
