/**
 * The process-tree seam (src/local/runtime/process-tree.ts): the `ps` backend macOS uses, run
 * here on Linux against real process trees (procps takes the same options for everything but
 * environments), its parsers on both procps and BSD output, the taskkill backend as arguments,
 * and which backend each platform gets. Every observation of the real processes is made through
 * /proc by the test itself, never through the backend under test.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { stillRunning } from '../../src/local/daemon/leftovers.js';
import {
  continueTree,
  descendants,
  killTree,
  selectProcessTree,
  stopTree,
  treeOf,
  type ProcessEntry,
  type ProcessTree,
} from '../../src/local/runtime/process-tree.js';
import { createProcTree, parseStat } from '../../src/local/runtime/proctree.js';
import { createPsTree, parseCpuTime, parseLstart, parsePsEnv, parsePsList, PS_LIST_ARGS, psEnvArgs, runPs } from '../../src/local/runtime/ps-tree.js';
import { createTaskkillTree, taskkillArgs } from '../../src/local/runtime/taskkill-tree.js';
import { pollUntil } from '../helpers/cli-process.js';

const hasPs = spawnSync('ps', ['-p', String(process.pid)]).status === 0;
const linux = process.platform === 'linux';
if (!hasPs) console.warn('process-tree.test.ts: `ps` is not installed here (procps); the tests of the ps backend on real processes are skipped');

/** The state letter of a process as /proc says (undefined once it is gone). */
function procState(pid: number): string | undefined {
  try {
    return parseStat(readFileSync(`/proc/${pid}/stat`, 'utf8'))?.state;
  } catch {
    return undefined;
  }
}
const ended = (pid: number) => {
  const state = procState(pid);
  return state === undefined || state === 'Z' || state === 'X';
};

/** A ps backend that records every ps it runs. */
function recordedPs(): { tree: ProcessTree; calls: string[][] } {
  const calls: string[][] = [];
  const real = runPs();
  const tree = createPsTree({
    flavour: 'procps',
    run: (args) => {
      calls.push(args);
      return real(args);
    },
  });
  return { tree, calls };
}

const started: ChildProcess[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const child of started.splice(0)) {
    for (const sig of ['SIGCONT', 'SIGKILL'] as const) {
      try {
        process.kill(-child.pid!, sig);
      } catch {
        // gone
      }
    }
  }
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** Starts `script` in a shell of its own group and waits until its tree (by /proc) has `size` members. */
async function startTree(script: string, size: number, cwd?: string): Promise<{ root: number; pids: number[] }> {
  const child = spawn('sh', ['-c', script], { stdio: 'ignore', detached: true, ...(cwd ? { cwd } : {}) });
  started.push(child);
  const root = child.pid!;
  const members = await pollUntil(
    `a tree of ${size} under ${root}`,
    async () => {
      const tree = await treeOf(root, createProcTree());
      return tree.length >= size ? tree : undefined;
    },
    10_000,
    20,
  );
  return { root, pids: members.map((p) => p.pid) };
}

describe.skipIf(!linux || !hasPs)('the ps backend on real processes (procps, as on Linux)', () => {
  it('lists the tree as /proc does', async () => {
    const { root, pids } = await startTree('sleep 300 & sleep 301 & (sleep 302 & sleep 303 & wait) & wait', 6);
    const { tree, calls } = recordedPs();
    const viaPs = await treeOf(root, tree);
    expect(viaPs.map((p) => p.pid).sort()).toEqual([...pids].sort());
    expect(viaPs[0]!.pid).toBe(root);
    for (const p of viaPs) {
      expect(p.state).toMatch(/^[SR]$/);
      expect(p.rssBytes).toBeGreaterThan(0);
      expect(p.rssBytes % 1024).toBe(0);
    }
    expect(calls).toEqual([[...PS_LIST_ARGS]]);
  });

  it('kills a whole tree of sleeps', async () => {
    const { root, pids } = await startTree('sleep 300 & sleep 301 & (sleep 302 & sleep 303 & wait) & wait', 6);
    const { tree, calls } = recordedPs();
    await killTree(root, tree);
    // the root is this process's child: it stays a zombie until node reaps it, which counts as ended
    await pollUntil('every process of the tree to end', async () => pids.every(ended) || undefined, 5_000, 20);
    expect(calls.length).toBeGreaterThan(0);
    expect(calls.every((args) => args.join(' ') === PS_LIST_ARGS.join(' '))).toBe(true);
  });

  it('pause: SIGSTOP stops every member (checked), SIGCONT lets them run again', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'e2bts-pstree-'));
    dirs.push(dir);
    const loop = (file: string) => `i=0; while :; do i=$((i+1)); echo $i > ${file}; sleep 0.05; done`;
    const { root } = await startTree(`(${loop('inner')}) & ${loop('outer')}`, 3, dir);
    const { tree } = recordedPs();
    await stopTree(root, tree);
    const members = await treeOf(root, createProcTree());
    expect(members.length).toBeGreaterThanOrEqual(3);
    // a `sleep 0.05` that ended just before may wait as a zombie for its stopped shell
    for (const p of members) expect({ pid: p.pid, state: procState(p.pid) }).toEqual({ pid: p.pid, state: expect.stringMatching(/^[TZ]$/) });
    expect(members.filter((p) => procState(p.pid) === 'T').length).toBeGreaterThanOrEqual(2);
    const count = (file: string) => readFileSync(join(dir, file), 'utf8').trim();
    const held = { inner: count('inner'), outer: count('outer') };
    await sleep(300);
    expect({ inner: count('inner'), outer: count('outer') }).toEqual(held);

    await continueTree(root, tree);
    await pollUntil('both loops to count on', async () => (count('inner') !== held.inner && count('outer') !== held.outer) || undefined, 5_000, 20);
    expect((await treeOf(root, createProcTree())).map((p) => procState(p.pid))).not.toContain('T');
  });

  it('finds processes by a variable of their environment, this process never', async () => {
    const mark = `m${Date.now()}`;
    const child = spawn('sleep', ['300'], { stdio: 'ignore', detached: true, env: { ...process.env, TEST_MARK: mark } });
    started.push(child);
    const other = spawn('sleep', ['300'], { stdio: 'ignore', detached: true, env: { ...process.env, TEST_MARK: `${mark}x` } });
    started.push(other);
    const { tree } = recordedPs();
    const found = await pollUntil(
      'the marked sleep',
      async () => {
        const pids = await tree.withEnv('TEST_MARK', mark);
        return pids.length ? pids : undefined;
      },
      5_000,
      50,
    );
    expect(found).toEqual([child.pid]);
  });

  it('names a process by its wall-clock start: the same one still runs, another start does not', async () => {
    const { tree } = recordedPs();
    const me = await tree.identify(process.pid);
    expect(me).toEqual({ pid: process.pid, startTicks: expect.any(Number), bootId: 'ps-lstart' });
    // the start ps reports is this process's own, to the second
    expect(Math.abs(me!.startTicks - (Date.now() / 1000 - process.uptime()))).toBeLessThan(2);
    expect(await stillRunning(me!, tree)).toBe(true);
    expect(await stillRunning({ ...me!, startTicks: me!.startTicks - 1 }, tree)).toBe(false);
    // an identity /proc made is never taken for one ps made
    expect(await stillRunning({ ...me!, bootId: 'some-boot-id' }, tree)).toBe(false);
    expect(await tree.identify(2 ** 30)).toBeUndefined();
  });

  it('says plainly when ps is missing', async () => {
    const tree = createPsTree({ run: runPs('/nonexistent/ps') });
    await expect(tree.list()).rejects.toThrow(
      '`/nonexistent/ps` was not found: the local backend needs it to manage sandbox processes where /proc is unavailable',
    );
  });
});

describe('stopTree never reports a tree stopped that is not', () => {
  // pids past Linux's largest (2^22): signals to them fail, as for a process that just ended
  const fake = (entries: Array<Partial<ProcessEntry> & { pid: number; ppid: number }>): ProcessTree => ({
    name: 'fake',
    list: async () => new Map(entries.map((e) => [e.pid, { state: 'S', cpuSeconds: 0, rssBytes: 0, ...e }])),
    withEnv: async () => [],
    identify: async () => undefined,
  });
  it('rejects when the root is not there', async () => {
    await expect(stopTree(4_200_001, fake([]))).rejects.toThrow('no process of the sandbox was found to stop (pid 4200001, through fake)');
  });
  it('rejects when a member keeps running', async () => {
    const tree = fake([
      { pid: 4_200_001, ppid: 1, state: 'T' },
      { pid: 4_200_002, ppid: 4_200_001, state: 'R' },
    ]);
    await expect(stopTree(4_200_001, tree, 3)).rejects.toThrow('could not stop every process of the sandbox: 1 still running after SIGSTOP (pids 4200002)');
  });
  it('counts stopped, zombie and dead members as held', async () => {
    const tree = fake([
      { pid: 4_200_001, ppid: 1, state: 'T' },
      { pid: 4_200_002, ppid: 4_200_001, state: 'Z' },
      { pid: 4_200_003, ppid: 4_200_001, state: 't' },
    ]);
    await expect(stopTree(4_200_001, tree, 1)).resolves.toBeUndefined();
  });
});

describe('ps output, procps and BSD', () => {
  it('CPU time in both forms', () => {
    expect(parseCpuTime('00:00:00')).toBe(0);
    expect(parseCpuTime('01:02:03')).toBe(3723);
    expect(parseCpuTime('2-01:02:03')).toBe(2 * 86_400 + 3723);
    // BSD: minutes and seconds with hundredths, minutes past 59
    expect(parseCpuTime('0:00.03')).toBeCloseTo(0.03);
    expect(parseCpuTime('123:04.50')).toBeCloseTo(123 * 60 + 4.5);
    expect(parseCpuTime('-')).toBeUndefined();
  });

  it('lstart in the C locale, as local time', () => {
    expect(parseLstart('Sun Dec  6 06:08:01 2026')).toBe(new Date(2026, 11, 6, 6, 8, 1).getTime() / 1000);
    expect(parseLstart('Thu Jan 14 23:59:59 2027\n')).toBe(new Date(2027, 0, 14, 23, 59, 59).getTime() / 1000);
    expect(parseLstart('dim. déc.  6 06:08:01 2026')).toBeUndefined();
  });

  it('a listing: procps and BSD lines, STAT flags after the state letter, RSS in KiB', () => {
    const procps = '    1     0 Ss     12072 00:00:25\n  412     1 S<l       0 00:00:00\n 5000   412 T         80 1-00:00:01\n';
    expect([...parsePsList(procps).values()]).toEqual([
      { pid: 1, ppid: 0, state: 'S', cpuSeconds: 25, rssBytes: 12072 * 1024 },
      { pid: 412, ppid: 1, state: 'S', cpuSeconds: 0, rssBytes: 0 },
      { pid: 5000, ppid: 412, state: 'T', cpuSeconds: 86_401, rssBytes: 80 * 1024 },
    ]);
    const bsd = '    1     0 Ss     13520   1:23.45\n  321     1 R+      2048   0:00.03\n  322   321 Z          0   0:00.00\n';
    expect([...parsePsList(bsd).values()]).toEqual([
      { pid: 1, ppid: 0, state: 'S', cpuSeconds: 83.45, rssBytes: 13520 * 1024 },
      { pid: 321, ppid: 1, state: 'R', cpuSeconds: 0.03, rssBytes: 2048 * 1024 },
      { pid: 322, ppid: 321, state: 'Z', cpuSeconds: 0, rssBytes: 0 },
    ]);
    expect(parsePsList('garbage line\n\n').size).toBe(0);
  });

  it('environments: after the command (procps `e`) or before it (macOS `-E`), whole words only', () => {
    const procps = ' 700 sleep 300 HOME=/root MARK=abc PATH=/bin\n 701 sleep 300 MARK=abcd\n 702 echo MARK=abc-not\n';
    expect(parsePsEnv(procps, 'MARK', 'abc')).toEqual([700]);
    const bsd = '  900 MARK=abc TMPDIR=/var/folders/x/T/ node envd.mjs\n  901 PATH=/usr/bin /bin/zsh\n';
    expect(parsePsEnv(bsd, 'MARK', 'abc')).toEqual([900]);
  });

  it('one common listing for both, and each flavour its own environment flag', () => {
    expect(PS_LIST_ARGS).toEqual(['-A', '-o', 'pid=', '-o', 'ppid=', '-o', 'stat=', '-o', 'rss=', '-o', 'time=']);
    expect(psEnvArgs('procps', 501)).toEqual(['-U', '501', '-ww', '-o', 'pid=', '-o', 'args=', 'e']);
    expect(psEnvArgs('bsd', 501)).toEqual(['-U', '501', '-ww', '-E', '-o', 'pid=', '-o', 'command=']);
  });
});

describe('descendants', () => {
  it('walks parents before children and ignores the rest of the machine', () => {
    const e = (pid: number, ppid: number): ProcessEntry => ({ pid, ppid, state: 'S', cpuSeconds: 0, rssBytes: 0 });
    const all = new Map([e(1, 0), e(10, 1), e(11, 10), e(12, 10), e(13, 11), e(20, 1)].map((p) => [p.pid, p]));
    expect(descendants(10, all).map((p) => p.pid)).toEqual([10, 11, 12, 13]);
    expect(descendants(99, all)).toEqual([]);
  });
});

describe('the taskkill backend (Windows), as arguments', () => {
  it('kills a tree with taskkill /PID <pid> /T /F', async () => {
    expect(taskkillArgs(4242)).toEqual(['/PID', '4242', '/T', '/F']);
    expect(() => taskkillArgs(0)).toThrow('not a process id: 0');
    const ran: Array<[string, string[]]> = [];
    const tree = createTaskkillTree(async (program, args) => {
      ran.push([program, args]);
    });
    await killTree(4242, tree);
    expect(ran).toEqual([['taskkill', ['/PID', '4242', '/T', '/F']]]);
    await expect(stopTree(4242, tree)).rejects.toThrow('listing processes is not supported on native Windows (run the local backend in WSL2)');
  });
});

describe('which backend a platform gets', () => {
  const pick = (platform: NodeJS.Platform, procMounted: boolean, env: Record<string, string> = {}) => selectProcessTree({ platform, env, procMounted }).name;
  it('/proc on Linux, ps where there is none and on macOS, taskkill on Windows', () => {
    expect(pick('linux', true)).toBe('proc');
    expect(pick('linux', false)).toBe('ps');
    expect(pick('darwin', false)).toBe('ps');
    expect(pick('freebsd', false)).toBe('ps');
    expect(pick('win32', false)).toBe('taskkill');
  });
  it('E2B_TS_PROCESS_TREE forces one, and refuses what cannot work', () => {
    expect(pick('linux', true, { E2B_TS_PROCESS_TREE: 'ps' })).toBe('ps');
    expect(pick('linux', true, { E2B_TS_PROCESS_TREE: '' })).toBe('proc');
    expect(() => pick('darwin', false, { E2B_TS_PROCESS_TREE: 'proc' })).toThrow('E2B_TS_PROCESS_TREE=proc, but /proc is not mounted here');
    expect(() => pick('linux', true, { E2B_TS_PROCESS_TREE: 'sysctl' })).toThrow('E2B_TS_PROCESS_TREE must be proc or ps, not "sysctl"');
  });
});
