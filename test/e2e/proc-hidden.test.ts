/**
 * The local backend where there is no /proc (as on macOS): the daemon runs in a mount namespace
 * of its own with a tmpfs over /proc, and no cgroups (E2B_TS_CGROUPS=0, as macOS has none), so
 * it must pick the `ps` process-tree backend by itself, and kill, timeout, pause and metrics
 * must work through it. Proven from outside: this test reads the real /proc.
 *
 * What is honest here: procps' `ps` is itself a /proc reader on Linux, while macOS's reads the
 * kernel through sysctl. So `ps` (and only ps) gets the machine's /proc back: a `ps` first on
 * the daemon's PATH enters a mount namespace of its own, bind-mounts the /proc the test saved
 * before hiding it, and runs the real procps there. The daemon, envd and every sandbox process
 * see an empty /proc (checked below); every process-tree question the daemon asks goes through
 * `ps` as it would on macOS. Needs root (mount namespaces), `unshare` and procps.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseStat } from '../../src/local/runtime/proctree.js';
import { runCli, type CliResult } from '../helpers/cli.js';
import { pollUntil } from '../helpers/cli-process.js';
import { requireSandboxFolder, startLocalBackend, type LocalBackend } from '../helpers/local-backend.js';
import { markedProcesses, sandboxMark } from '../helpers/runtime-mode.js';

/** Why this machine cannot run the test, or undefined when it can. */
function missing(): string | undefined {
  if (process.platform !== 'linux') return 'mount namespaces are Linux only';
  if (process.getuid?.() !== 0) return 'hiding /proc needs root (a mount namespace)';
  const probe = spawnSync('unshare', ['--mount', '--', 'sh', '-c', 'mount -t tmpfs none /proc && ! test -e /proc/self/stat'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) return `unshare --mount cannot hide /proc here (${probe.error?.message ?? probe.stderr.trim()})`;
  if (!realPs()) return '`ps` (procps) is not installed';
  return undefined;
}

function realPs(): string | undefined {
  const found = spawnSync('sh', ['-c', 'command -v ps'], { encoding: 'utf8' }).stdout.trim();
  return found.startsWith('/') ? found : undefined;
}

const why = missing();
if (why) console.warn(`proc-hidden.test.ts skipped: ${why}`);

let base: string;
let backend: LocalBackend;
/** Markers of the sandboxes made here: whatever of them a failed test left running is killed at the end. */
const marks: string[] = [];

const cli = (args: string[]): Promise<CliResult> => runCli(['--local', ...args], { env: { E2B_TS_HOME: backend.home }, timeoutMs: 30_000 });
const show = (r: CliResult) => `code ${r.code}\nstdout ${JSON.stringify(r.stdout)}\nstderr ${JSON.stringify(r.stderr)}`;
async function ok(args: string[]): Promise<string> {
  const r = await cli(args);
  expect(r.code, show(r)).toBe(0);
  return r.stdout;
}

/** The state letter of a process as the real /proc says; undefined once it has ended (or is a zombie). */
function state(pid: number): string | undefined {
  try {
    const s = parseStat(readFileSync(`/proc/${pid}/stat`, 'utf8'))?.state;
    return s === 'Z' || s === 'X' ? undefined : s;
  } catch {
    return undefined;
  }
}

/** Every live process of a sandbox (its marker), envd included. */
const processesOf = (mark: string) => markedProcesses(mark, () => true).filter((pid) => state(pid) !== undefined);
const sleepsOf = (mark: string) => markedProcesses(mark, (p) => p.comm === 'sleep' && /^sleep 30\d$/.test(p.args)).filter((pid) => state(pid) !== undefined);

describe.skipIf(why !== undefined)('the local backend without /proc (ps process-tree backend)', () => {
  beforeAll(async () => {
    base = mkdtempSync(join(tmpdir(), 'e2bts-prochidden-'));
    const saved = join(base, 'proc');
    const bin = join(base, 'bin');
    mkdirSync(saved);
    mkdirSync(bin);
    writeFileSync(
      join(bin, 'ps'),
      `#!/bin/sh\n# procps with the machine's /proc, in a mount namespace of its own (see proc-hidden.test.ts)\nexec unshare --mount -- sh -c 'saved=$0; real=$1; shift; mount --bind "$saved" /proc && exec "$real" "$@"' '${saved}' '${realPs()}' "$@"\n`,
    );
    chmodSync(join(bin, 'ps'), 0o755);
    backend = await startLocalBackend({
      env: { E2B_TS_RUNTIME: 'unisolated', E2B_TS_CGROUPS: '0', PATH: `${bin}:${process.env.PATH ?? '/usr/bin:/bin'}` },
      // the real /proc is saved first (for ps alone), then hidden; exec keeps the daemon's pid
      wrap: ['unshare', '--mount', '--', 'sh', '-c', 'mount --bind /proc "$0" && mount -t tmpfs none /proc && exec "$@"', saved],
    });
  }, 60_000);

  afterAll(async () => {
    await backend?.dispose();
    for (const mark of marks) {
      for (const pid of processesOf(mark)) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // gone meanwhile
        }
      }
    }
    if (base) rmSync(base, { recursive: true, force: true });
  });

  it('the daemon and its sandboxes have no /proc, and the daemon chose the ps backend', async () => {
    const status = JSON.parse(await ok(['local', 'status', '--json'])) as Record<string, unknown>;
    expect(status).toMatchObject({ runtime: 'unisolated', processes: 'ps' });
    expect(readFileSync(join(backend.home, 'daemon.log'), 'utf8')).toMatch(/processes through ps;/);
    const id = (await ok(['sandbox', 'create', '--timeout', '5m'])).trim();
    try {
      expect(await ok(['exec', id, '--', 'sh', '-c', 'test -e /proc/self/stat && echo visible || echo hidden; ls -A /proc | wc -l'])).toBe('hidden\n0\n');
    } finally {
      await cli(['sandbox', 'kill', id]);
    }
  });

  it('sandbox kill ends the whole tree, and a process that left it (setsid, forked again)', async () => {
    const id = (await ok(['sandbox', 'create', '--timeout', '5m'])).trim();
    const mark = await sandboxMark(cli, id);
    marks.push(mark);
    await ok(['exec', id, '--background', '--', 'sh', '-c', 'sleep 300 & sleep 301 & (sleep 302 & wait) & wait']);
    await ok(['exec', id, '--', 'sh', '-c', "setsid sh -c '(sleep 303 &) ; exit 0' </dev/null >/dev/null 2>&1"]);
    const sleeps = await pollUntil('four sleeps', async () => (sleepsOf(mark).length === 4 ? sleepsOf(mark) : undefined), 10_000);
    const all = processesOf(mark);
    expect(all.length).toBeGreaterThan(4);

    await ok(['sandbox', 'kill', id]);
    await pollUntil('every process of the sandbox to end', async () => all.every((pid) => state(pid) === undefined) || undefined, 10_000);
    expect(processesOf(mark)).toEqual([]);
    expect(sleeps.map(state)).toEqual([undefined, undefined, undefined, undefined]);
  });

  it('a timeout kills the sandbox and its processes', async () => {
    const id = (await ok(['sandbox', 'create', '--timeout', '5m'])).trim();
    const mark = await sandboxMark(cli, id);
    marks.push(mark);
    await ok(['exec', id, '--background', '--', 'sh', '-c', 'sleep 300 & sleep 301 & wait']);
    await pollUntil('two sleeps', async () => (sleepsOf(mark).length === 2 ? true : undefined), 10_000);
    const all = processesOf(mark);

    await ok(['sandbox', 'timeout', id, '1s']);
    await pollUntil('the sandbox to be gone', async () => ((await cli(['sandbox', 'info', id])).code === 3 ? true : undefined), 20_000, 200);
    await pollUntil('every process of the sandbox to end', async () => all.every((pid) => state(pid) === undefined) || undefined, 10_000);
    expect(processesOf(mark)).toEqual([]);
  });

  it('pause stops every process (SIGSTOP, and the log says so), resume lets them run, metrics are real', async () => {
    const id = (await ok(['sandbox', 'create', '--timeout', '5m'])).trim();
    const mark = await sandboxMark(cli, id);
    marks.push(mark);
    const home = join(requireSandboxFolder(backend.home, id), 'fs', 'home', 'user');
    const loop = (file: string) => `i=0; while :; do i=$((i+1)); echo $i > ${file}; sleep 0.05; done`;
    await ok(['exec', id, '--background', '--', 'sh', '-c', `(${loop('inner')}) & ${loop('outer')}`]);
    const count = (file: string) => (existsSync(join(home, file)) ? readFileSync(join(home, file), 'utf8').trim() : '');
    await pollUntil('both loops to count', async () => (Number(count('inner')) > 2 && Number(count('outer')) > 2) || undefined, 10_000);

    // memory and CPU summed over the tree as ps reports it (no cgroup here)
    const samples = JSON.parse(await ok(['--json', 'sandbox', 'metrics', id])) as Array<{ memUsed: number; cpuUsedPct: number }>;
    expect(samples.at(-1)!.memUsed).toBeGreaterThan(10 * 1024 * 1024);

    await ok(['sandbox', 'pause', id]);
    // envd and the two loops' shells, and whichever `sleep 0.05` each was in
    const members = processesOf(mark);
    expect(members.length).toBeGreaterThanOrEqual(3);
    expect(members.map((pid) => [pid, state(pid)])).toEqual(members.map((pid) => [pid, 'T']));
    expect(await ok(['sandbox', 'logs', id])).toMatch(/sandbox paused \(every process stopped with SIGSTOP; SIGCONT at resume\)/);
    const held = { inner: count('inner'), outer: count('outer') };
    await sleep(500);
    expect({ inner: count('inner'), outer: count('outer') }).toEqual(held);

    await ok(['sandbox', 'resume', id]);
    await pollUntil('both loops to count on', async () => (count('inner') !== held.inner && count('outer') !== held.outer) || undefined, 10_000);
    expect(processesOf(mark).map(state)).not.toContain('T');
    expect(await ok(['exec', id, '--', 'echo', 'back'])).toBe('back\n');
    await ok(['sandbox', 'kill', id]);
  });
});
