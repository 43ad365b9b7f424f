/**
 * Sandbox limits with real sandboxes (runtime/cgroup.ts, runtime/disk.ts): a `base` sandbox
 * (512 MiB) cannot hold 1 GiB (the process is killed, the sandbox lives), a fork loop stops at the
 * pids limit, writing past the disk size fails with ENOSPC, and the host is unaffected in each
 * case. Where the machine cannot enforce a limit, the daemon says so and its test is skipped with
 * that reason.
 *
 * A second template, `limits-small` (256 MiB, 64 MiB of disk, a quarter of a CPU), is written into
 * the state folder before the daemon starts: the API has no way to make templates of other sizes.
 */
import { selectRuntime } from '../../src/local/runtime/index.js';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { scopeName } from '../../src/local/runtime/cgroup.js';
import { DISK_IMAGE, loopsBacking } from '../../src/local/runtime/disk.js';
import { runCli } from '../helpers/cli.js';
import { requireSandboxFolder, startLocalBackend } from '../helpers/local-backend.js';

const SMALL = 'limits-small';
const MIB = 1024 * 1024;

const home = mkdtempSync(join(tmpdir(), 'e2bts-limits-'));
const now = new Date().toISOString();
mkdirSync(join(home, 'templates', 'limitssmall000000001'), { recursive: true });
writeFileSync(
  join(home, 'templates', 'limitssmall000000001', 'template.json'),
  JSON.stringify({
    templateID: 'limitssmall000000001',
    buildID: '00000000-0000-4000-8000-000000000001',
    names: [SMALL],
    aliases: [SMALL],
    cpuCount: 0.25,
    memoryMB: 256,
    diskSizeMB: 64,
    envdVersion: '0.2.0',
    createdAt: now,
    updatedAt: now,
    lastSpawnedAt: null,
    spawnCount: 0,
    hasFiles: false,
  }),
);
const backend = await startLocalBackend({ home });
afterAll(async () => {
  await backend.dispose();
});

const cli = (...args: string[]) => runCli(['--local', ...args], { env: { E2B_TS_HOME: backend.home } });
interface Limit {
  kind: string;
  enforced: boolean;
  detail: string;
}
const status = JSON.parse((await cli('local', 'status', '--json')).stdout) as { limits: Limit[]; runtime: string };
const limit = (kind: string): Limit => status.limits.find((l) => l.kind === kind)!;
const python = existsSync('/usr/bin/python3');

/** Why a group of tests cannot run here (printed), or undefined when it can. */
function skipReason(kinds: string[], needsPython: boolean): string | undefined {
  if (status.runtime !== 'bubblewrap') return `the runtime is ${status.runtime}, not bubblewrap`;
  for (const kind of kinds) if (!limit(kind).enforced) return `the ${kind} limit is not enforced here: ${limit(kind).detail}`;
  if (needsPython && !python) return 'the test programs need /usr/bin/python3 on the host (sandboxes see its /usr)';
  return undefined;
}
function skipping(name: string, kinds: string[], needsPython = false): boolean {
  const why = skipReason(kinds, needsPython);
  if (why) console.warn(`limits: skipping "${name}": ${why}`);
  return why !== undefined;
}

async function create(...args: string[]): Promise<string> {
  const res = await cli('sandbox', 'create', '--timeout', '10m', ...args);
  expect(res.code, res.stderr).toBe(0);
  return res.stdout.trim();
}
const shell = (id: string, line: string, ...flags: string[]) => cli('exec', id, ...flags, '--shell', line);
async function metrics(id: string): Promise<{ memTotal: number; memUsed: number; diskUsed: number; diskTotal: number; cpuCount: number }> {
  const res = await cli('sandbox', 'metrics', id, '--json');
  expect(res.code, res.stderr).toBe(0);
  const samples = JSON.parse(res.stdout) as Array<{ memTotal: number; memUsed: number; diskUsed: number; diskTotal: number; cpuCount: number }>;
  return samples[samples.length - 1]!;
}
const hostProcesses = () => readdirSync('/proc').filter((n) => /^\d+$/.test(n)).length;
/** Bytes of the host's disk a sandbox takes: the allocated blocks of its disk image. */
const hostBytes = (id: string) => statSync(join(requireSandboxFolder(home, id), DISK_IMAGE)).blocks * 512;
const mountsOf = (dir: string) =>
  readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .filter((line) => line.split(' ')[4]?.startsWith(`${dir}/`));

describe('every limit is reported', () => {
  it('local status (and --json) lists cpu, memory, pids and disk, enforced or why not; so does the start-up line', async () => {
    expect(status.limits.map((l) => l.kind)).toEqual(['cpu', 'memory', 'pids', 'disk']);
    for (const l of status.limits) expect(l.detail.length).toBeGreaterThan(10);
    const text = await cli('local', 'status');
    for (const l of status.limits) expect(text.stdout).toContain(`${l.kind} limit\t${l.enforced ? 'enforced' : 'NOT enforced'}: ${l.detail}`);
    const log = readFileSync(join(home, 'daemon.log'), 'utf8');
    expect(log).toMatch(/listening on .*; limits: /);
    for (const l of status.limits.filter((x) => !x.enforced)) expect(log).toContain(`sandbox ${l.kind} limit not enforced: ${l.detail}`);
  });
});

describe.skipIf(skipping('memory', ['memory'], true))('memory', () => {
  it('a base sandbox (512 MiB) cannot hold 1 GiB: the process is killed, the sandbox lives; metrics show the limit', async () => {
    const id = await create();
    expect((await metrics(id)).memTotal).toBe(512 * MIB);
    const hog = await shell(id, 'python3 -c "b = bytearray(1 << 30); print(len(b))"');
    expect(hog.code).toBe(137);
    expect(hog.stdout).not.toContain(String(1 << 30));
    const next = await shell(id, 'echo alive');
    expect([next.code, next.stdout]).toEqual([0, 'alive\n']);
    const after = await metrics(id);
    expect(after.memUsed).toBeLessThan(512 * MIB);
    expect(after.memUsed).toBeGreaterThan(0);
    await cli('sandbox', 'kill', id);
  });

  it('the OOM killer takes commands, not envd, even when envd is the largest process', async () => {
    // 20 processes of ~50 MiB each: envd (~60 MiB) is bigger than any of them, so without the
    // commands' higher oom_score_adj it would be the first one killed.
    const id = await create();
    const crowd = await shell(id, 'for i in $(seq 20); do python3 -c "import time; b = bytearray(40 << 20); time.sleep(3)" & done; wait; echo waited');
    expect(crowd.stdout).toContain('waited');
    expect(Number((await shell(id, 'cat /proc/self/oom_score_adj')).stdout)).toBeGreaterThanOrEqual(500);
    const next = await shell(id, 'echo alive');
    expect([next.code, next.stdout]).toEqual([0, 'alive\n']);
    await cli('sandbox', 'kill', id);
  });

  it("a sandbox started afresh (not from the warm spare) gets its template's limit too", async () => {
    const id = await create(SMALL);
    expect((await metrics(id)).memTotal).toBe(256 * MIB);
    const hog = await shell(id, 'python3 -c "b = bytearray(400 << 20)"');
    expect(hog.code).toBe(137);
    expect((await shell(id, 'echo alive')).stdout).toBe('alive\n');
    await cli('sandbox', 'kill', id);
  });
});

describe.skipIf(skipping('pids', ['pids'], true))('pids', () => {
  it('a fork loop stops at the pids limit with EAGAIN; the host can still start processes', async () => {
    const id = await create();
    const before = hostProcesses();
    // Children are sleeps started by posix_spawn: small, so the pids limit comes before the
    // memory limit (forks of the Python process itself would each copy megabytes of it).
    const script = [
      'import os, signal',
      'pids = []',
      'try:',
      '    for i in range(5000):',
      '        pids.append(os.posix_spawn("/bin/sleep", ["sleep", "60"], os.environ))',
      'except OSError as e:',
      '    print("stopped", len(pids), e.errno, e.strerror, flush=True)',
      'import time; time.sleep(2)',
      'for p in pids: os.kill(p, signal.SIGKILL)',
      'for p in pids: os.waitpid(p, 0)',
    ].join('\n');
    const during = new Promise<number>((resolve) => setTimeout(() => resolve(spawnSync('true').status ?? -1), 1000));
    const loop = await cli('exec', id, '--', 'python3', '-c', script);
    expect(loop.stdout).toMatch(/^stopped (\d+) 11 Resource temporarily unavailable$/m);
    const reached = Number(loop.stdout.match(/^stopped (\d+)/m)![1]);
    expect(reached).toBeGreaterThan(500);
    expect(reached).toBeLessThan(1024);
    expect(await during).toBe(0);
    // a shell's fork loop says the same
    // (the loop's shell dies of SIGPIPE at its next complaint; `kill -9 -1`, a builtin, needs no
    // fork to end the sleeps)
    const bash = await shell(id, '( for i in $(seq 2000); do sleep 30 & done ) 2>&1 | head -1; kill -9 -1; true', '--timeout', '60s');
    expect(bash.stdout + bash.stderr).toMatch(/Resource temporarily unavailable/);
    expect((await shell(id, 'echo alive')).stdout).toBe('alive\n');
    await cli('sandbox', 'kill', id);
    // its processes are gone with it
    expect(Math.abs(hostProcesses() - before)).toBeLessThan(50);
  });
});

describe.skipIf(skipping('cpu', ['cpu'], true))('cpu', () => {
  it("the template's CPU count is the sandbox's quota: a busy loop on a quarter CPU is throttled", async () => {
    const id = await create(SMALL);
    // the sandbox sees its own cgroup (read-only): quota and throttling statistics
    const find =
      'p=$(grep -E "^[0-9]+:(cpu|cpu,cpuacct|cpuacct,cpu):|^0::" /proc/self/cgroup | head -1 | cut -d: -f3); d=/sys/fs/cgroup/cpu$p; [ -d "$d" ] || d=/sys/fs/cgroup/cpu,cpuacct$p; [ -d "$d" ] || d=/sys/fs/cgroup$p';
    const quota = await shell(id, `${find}; cat $d/cpu.max 2>/dev/null || cat $d/cpu.cfs_quota_us`);
    expect(quota.stdout.trim()).toMatch(/^25000( 100000)?$/);
    const busy = await shell(id, `${find}; timeout 1 sh -c 'while :; do :; done'; grep nr_throttled $d/cpu.stat`);
    expect(Number(busy.stdout.match(/nr_throttled (\d+)/)?.[1])).toBeGreaterThan(0);
    await cli('sandbox', 'kill', id);
  });
});

describe.skipIf(skipping('disk', ['disk']))('disk', () => {
  it('a base sandbox cannot allocate more than its 10 GiB: ENOSPC, and the host keeps its free space', async () => {
    const id = await create();
    const big = await shell(id, 'fallocate -l 11G /home/user/big; echo rc=$?; rm -f /home/user/big');
    expect(big.stderr).toMatch(/No space left on device/);
    expect(big.stdout).toContain('rc=1');
    // what the sandbox holds on the host is its image's allocated blocks: metadata only here
    expect(hostBytes(id)).toBeLessThan(256 * MIB);
    const m = await metrics(id);
    expect(m.diskTotal).toBeGreaterThan(9 * 1024 * MIB);
    expect(m.diskTotal).toBeLessThanOrEqual(10 * 1024 * MIB);
    await cli('sandbox', 'kill', id);
  });

  it('writing past diskSizeMB fails with ENOSPC, for user and root, in every writable folder; the sandbox lives and metrics show the disk', async () => {
    const id = await create(SMALL);
    const fill = await shell(id, 'head -c 100M /dev/zero > /home/user/fill; echo rc=$?');
    expect(fill.stderr).toMatch(/No space left on device/);
    expect(fill.stdout).toContain('rc=1');
    // /tmp, /var, /root, envd's own folder and the writable root's upper layers (/usr, /etc,
    // anything new under /) share the same disk: all full now
    const writableRoot = /writable root/.test(selectRuntime(process.env).description);
    for (const path of ['/tmp/x', '/var/tmp/x', '/root/x', '/run/e2b/x', ...(writableRoot ? ['/usr/local/x', '/etc/x', '/opt/x', '/0x'] : [])]) {
      const more = await shell(id, `head -c 1M /dev/zero > ${path}`, '--user', 'root');
      expect(more.stderr, path).toMatch(/No space left on device/);
    }
    // the host holds at most the disk's size for it
    expect(hostBytes(id)).toBeLessThanOrEqual(64 * MIB);
    const m = await metrics(id);
    expect(m.diskTotal).toBeLessThanOrEqual(64 * MIB);
    expect(m.diskUsed).toBeGreaterThan(m.diskTotal * 0.8);
    const freed = await shell(id, 'rm -f /home/user/fill /tmp/x /var/tmp/x; echo small > /home/user/small && cat /home/user/small');
    expect(freed.stdout).toBe('small\n');
    await cli('sandbox', 'kill', id);
  });

  it('the disk and its files survive a daemon restart and a daemon crash, still limited; a killed sandbox leaves no mount behind', async () => {
    const id = await create(SMALL);
    expect((await shell(id, 'echo kept > /home/user/kept')).code).toBe(0);
    const folder = requireSandboxFolder(home, id);
    expect(mountsOf(folder).length).toBeGreaterThan(0);

    await backend.restart();
    expect((await cli('sandbox', 'resume', id, '--timeout', '5m')).code).toBe(0);
    expect((await shell(id, 'cat /home/user/kept')).stdout).toBe('kept\n');
    expect((await shell(id, 'head -c 100M /dev/zero > /home/user/fill; rm -f /home/user/fill')).stderr).toMatch(/No space left on device/);

    process.kill(backend.pid, 'SIGKILL');
    await backend.restart();
    expect((await cli('sandbox', 'resume', id, '--timeout', '5m')).code).toBe(0);
    expect((await shell(id, 'cat /home/user/kept')).stdout).toBe('kept\n');
    // one disk, mounted once (rw, and fs, run and upper bound from it), not again on top of the
    // one the dead daemon left
    expect(mountsOf(folder)).toHaveLength(4);

    expect((await cli('sandbox', 'kill', id)).code).toBe(0);
    expect(mountsOf(folder)).toEqual([]);
    expect(existsSync(folder)).toBe(false);
  });
});

describe('cleanup', () => {
  it('a stopped daemon leaves no mounts, loop devices or cgroups of its state folder', async () => {
    const sandboxes = join(home, 'sandboxes');
    // whatever this machine enforces, a sandbox works
    const id = await create();
    expect((await shell(id, 'echo works')).stdout).toBe('works\n');
    await backend.stop();
    expect(mountsOf(sandboxes)).toEqual([]);
    // The loop devices free themselves once the last user of their (lazily unmounted) file
    // systems is gone: on a loaded machine that can be seconds after the daemon is, while the
    // kernel and init reap what the sandboxes left. Wait for it (a deadline, not a timing check).
    const attached = () => (spawnSync('losetup', ['-a'], { encoding: 'utf8' }).stdout ?? '').includes(home) || loopsBacking(home).length > 0;
    for (const deadline = Date.now() + 30_000; attached() && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 200));
    const loops = spawnSync('losetup', ['-a'], { encoding: 'utf8' }).stdout ?? '';
    expect(loops).not.toContain(home);
    expect(loopsBacking(home)).toEqual([]);
    const name = scopeName(home);
    for (const dir of ['/sys/fs/cgroup', ...['memory', 'pids', 'cpu', 'cpuacct', 'freezer'].map((c) => `/sys/fs/cgroup/${c}`)]) {
      expect(existsSync(join(dir, name)), dir).toBe(false);
    }
  });
});
