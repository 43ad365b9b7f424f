/**
 * The sandbox cgroup module over fake cgroup trees (test/helpers/fake-cgroupfs.ts): where groups
 * go on v2 and v1, as root and as a delegated user, which limits are written, how groups are
 * named (by key, never a sandbox ID), what is reported when a limit cannot be enforced, and
 * cleanup. The real v1 tree of a root machine is exercised by test/e2e/limits.test.ts.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Cgroups, DAEMON_LEAF, PIDS_LIMIT, scopeName } from '../../src/local/runtime/cgroup.js';
import { joinCgroupCommand } from '../../src/local/runtime/launch.js';
import { fakeV1, fakeV2, v1SelfCgroup } from '../helpers/fake-cgroupfs.js';

const SCOPE = '/home/someone/.local/state/e2b-ts/local';
const NAME = scopeName(SCOPE);
const KEY = '0123456789abcdef0123';
const LIMITS = { cpuCount: 2, memoryMB: 512 };
const MIB512 = String(512 * 1024 * 1024);

let tmp: string;
beforeEach(() => {
  tmp = mkdtempSync(join(tmpdir(), 'e2bts-cgroup-'));
});
afterEach(() => {
  rmSync(tmp, { recursive: true, force: true });
});

const byKind = (c: Cgroups) => Object.fromEntries(c.limits.map((l) => [l.kind, l]));

describe('cgroup v2', () => {
  it('as root: one top-level parent per state folder, controllers handed down, limits written in the group named by key', async () => {
    const fs = fakeV2(join(tmp, 'cg'));
    fs.group('user.slice/session-1.scope', { procs: [process.pid, 4242] });
    const cgroups = Cgroups.detect(SCOPE, { root: fs.root, selfCgroup: '0::/user.slice/session-1.scope\n', uid: 0, pid: process.pid, io: fs.io });
    expect(cgroups.version).toBe('v2');
    expect(cgroups.limits.map((l) => [l.kind, l.enforced])).toEqual([
      ['cpu', true],
      ['memory', true],
      ['pids', true],
    ]);
    expect(fs.read(`${NAME}/cgroup.subtree_control`).split(' ').sort()).toEqual(['cpu', 'memory', 'pids']);

    const group = cgroups.group(KEY);
    expect(group.kind).toBe('cgroup-v2');
    expect(group.procsFiles).toEqual([join(fs.root, NAME, KEY, 'cgroup.procs')]);
    expect(group.apply(LIMITS)).toEqual([]);
    expect(fs.read(`${NAME}/${KEY}/memory.max`)).toBe(MIB512);
    expect(fs.read(`${NAME}/${KEY}/memory.swap.max`)).toBe('0');
    expect(fs.read(`${NAME}/${KEY}/pids.max`)).toBe(String(PIDS_LIMIT));
    expect(fs.read(`${NAME}/${KEY}/cpu.max`)).toBe('200000 100000');
    // the daemon was not moved: root needs no leaf
    expect(fs.read('user.slice/session-1.scope/cgroup.procs')).toContain(String(process.pid));

    // limits can change later (a warm spare gets its template's when taken)
    group.apply({ cpuCount: 0.5, memoryMB: 1024 });
    expect(fs.read(`${NAME}/${KEY}/memory.max`)).toBe(String(1024 * 1024 * 1024));
    expect(fs.read(`${NAME}/${KEY}/cpu.max`)).toBe('50000 100000');

    await group.release();
    expect(fs.exists(`${NAME}/${KEY}`)).toBe(false);
    await cgroups.releaseAll(true);
    expect(fs.exists(NAME)).toBe(false);
  });

  it('a delegated user alone in its cgroup moves into a leaf and limits sandboxes below its cgroup', () => {
    const fs = fakeV2(join(tmp, 'cg'));
    const own = 'user.slice/user-1000.slice/user@1000.service/app.slice/e2b-ts.scope';
    fs.group(own, { procs: [process.pid] });
    const cgroups = Cgroups.detect(SCOPE, { root: fs.root, selfCgroup: `0::/${own}\n`, uid: 1000, pid: process.pid, io: fs.io });
    expect(cgroups.limits.every((l) => l.enforced)).toBe(true);
    expect(fs.read(`${own}/${DAEMON_LEAF}/cgroup.procs`).trim()).toBe(String(process.pid));
    expect(fs.read(`${own}/cgroup.procs`).trim()).toBe('');
    const group = cgroups.group(KEY);
    expect(group.procsFiles).toEqual([join(fs.root, own, NAME, KEY, 'cgroup.procs')]);
    group.apply(LIMITS);
    expect(fs.read(`${own}/${NAME}/${KEY}/memory.max`)).toBe(MIB512);
    expect(byKind(cgroups).memory.detail).toMatch(/delegated/);
  });

  it('a delegated cgroup shared with other processes: freezing works, limits are reported as not enforced, with the way out', () => {
    const fs = fakeV2(join(tmp, 'cg'));
    const own = 'user.slice/user-1000.slice/user@1000.service/app.slice/vte-spawn-1.scope';
    fs.group(own, { procs: [process.pid, process.ppid] });
    const cgroups = Cgroups.detect(SCOPE, { root: fs.root, selfCgroup: `0::/${own}\n`, uid: 1000, pid: process.pid, io: fs.io });
    expect(cgroups.usable).toBe(true);
    for (const l of cgroups.limits) {
      expect(l.enforced).toBe(false);
      expect(l.detail).toMatch(/other processes.*systemd-run --user --scope -p Delegate=yes/);
    }
    const group = cgroups.group(KEY);
    expect(group.kind).toBe('cgroup-v2');
    // nothing limited, nothing written
    expect(group.apply(LIMITS)).toEqual([]);
    expect(fs.exists(`${own}/${NAME}/${KEY}/memory.max`)).toBe(false);
  });

  it('a cgroup not delegated to the user: no groups at all (signals for pause), and says why', () => {
    const fs = fakeV2(join(tmp, 'cg'), { readOnly: ['user.slice'] });
    fs.group('user.slice/user-1000.slice/session-2.scope', { procs: [process.pid] });
    const cgroups = Cgroups.detect(SCOPE, {
      root: fs.root,
      selfCgroup: '0::/user.slice/user-1000.slice/session-2.scope\n',
      uid: 1000,
      pid: process.pid,
      io: fs.io,
    });
    expect(cgroups.usable).toBe(false);
    expect(cgroups.limits.every((l) => !l.enforced && /not delegated/.test(l.detail))).toBe(true);
  });

  it('a controller the machine does not offer is reported; the others are enforced', () => {
    const fs = fakeV2(join(tmp, 'cg'), { controllers: ['memory', 'pids'] });
    const cgroups = Cgroups.detect(SCOPE, { root: fs.root, selfCgroup: '0::/\n', uid: 0, pid: process.pid, io: fs.io });
    const k = byKind(cgroups);
    expect([k.memory.enforced, k.pids.enforced, k.cpu.enforced]).toEqual([true, true, false]);
    expect(k.cpu.detail).toMatch(/cpu controller is not available/);
    const group = cgroups.group(KEY);
    group.apply(LIMITS);
    expect(fs.exists(`${NAME}/${KEY}/cpu.max`)).toBe(false);
  });

  it('usage comes from the group: memory without inactive page cache, the limit, cpu time, pids', () => {
    const fs = fakeV2(join(tmp, 'cg'));
    const cgroups = Cgroups.detect(SCOPE, { root: fs.root, selfCgroup: '0::/\n', uid: 0, pid: process.pid, io: fs.io });
    const group = cgroups.group(KEY);
    group.apply(LIMITS);
    fs.write(`${NAME}/${KEY}/memory.current`, '100000000\n');
    fs.write(`${NAME}/${KEY}/memory.stat`, 'anon 80000000\nfile 20000000\ninactive_file 15000000\n');
    fs.write(`${NAME}/${KEY}/cpu.stat`, 'usage_usec 1234567\nuser_usec 1000000\nsystem_usec 234567\n');
    fs.write(`${NAME}/${KEY}/pids.current`, '7\n');
    expect(group.usage()).toEqual({ memoryBytes: 85000000, memoryLimit: 512 * 1024 * 1024, cacheBytes: 20000000, cpuUsec: 1234567, pids: 7 });
  });

  it('freezes and thaws through cgroup.freeze', async () => {
    const fs = fakeV2(join(tmp, 'cg'));
    const group = Cgroups.detect(SCOPE, { root: fs.root, selfCgroup: '0::/\n', uid: 0, pid: process.pid, io: fs.io }).group(KEY);
    // a pid with no descendants to adopt
    await group.freeze(2 ** 22 + 1);
    expect(fs.read(`${NAME}/${KEY}/cgroup.freeze`)).toBe('1');
    await group.thaw(2 ** 22 + 1);
    expect(fs.read(`${NAME}/${KEY}/cgroup.freeze`)).toBe('0');
  });

  it('releases what a dead daemon left: kills the processes, removes the groups, and the old flat groups too', async () => {
    const fs = fakeV2(join(tmp, 'cg'));
    const env = { root: fs.root, selfCgroup: '0::/\n', uid: 0, pid: process.pid, io: fs.io };
    const first = Cgroups.detect(SCOPE, env);
    const child = spawn('sleep', ['60'], { stdio: 'ignore' });
    const exited = new Promise((r) => child.once('exit', r));
    const group = first.group('aaaaaaaaaaaaaaaaaaaa');
    fs.io.write(group.procsFiles[0]!, String(child.pid));
    await group.freeze(2 ** 22 + 1);
    first.group('bbbbbbbbbbbbbbbbbbbb');
    fs.group(`${NAME}-cccccccccccccccccccc`);
    // a new daemon of the same state folder
    const second = Cgroups.detect(SCOPE, env);
    await second.releaseAll(false);
    await exited;
    expect(fs.io.subdirs(join(fs.root, NAME))).toEqual([]);
    expect(fs.exists(`${NAME}-cccccccccccccccccccc`)).toBe(false);
    // another state folder's groups are left alone
    const other = Cgroups.detect('/elsewhere', env);
    other.group(KEY);
    await second.releaseAll(true);
    expect(fs.exists(`${scopeName('/elsewhere')}/${KEY}`)).toBe(true);
  });
});

describe('cgroup v1', () => {
  const V1 = ['memory', 'pids', 'cpu', 'cpuacct', 'freezer'];

  it("as root: a group per hierarchy under the state folder's parent, limits with memsw", async () => {
    const fs = fakeV1(join(tmp, 'cg'));
    const cgroups = Cgroups.detect(SCOPE, {
      root: fs.root,
      selfCgroup: v1SelfCgroup(V1, '/process_api/abc'),
      uid: 0,
      pid: process.pid,
      io: fs.io,
      swap: false,
    });
    expect(cgroups.version).toBe('v1');
    expect(cgroups.limits.every((l) => l.enforced)).toBe(true);
    expect(byKind(cgroups).memory.detail).toMatch(/memsw/);
    const group = cgroups.group(KEY);
    expect(group.kind).toBe('cgroup-v1');
    expect(group.procsFiles.sort()).toEqual(V1.map((h) => join(fs.root, h, NAME, KEY, 'cgroup.procs')).sort());
    expect(group.apply(LIMITS)).toEqual([]);
    expect(fs.read(`memory/${NAME}/${KEY}/memory.limit_in_bytes`)).toBe(MIB512);
    expect(fs.read(`memory/${NAME}/${KEY}/memory.memsw.limit_in_bytes`)).toBe(MIB512);
    expect(fs.read(`pids/${NAME}/${KEY}/pids.max`)).toBe(String(PIDS_LIMIT));
    expect(fs.read(`cpu/${NAME}/${KEY}/cpu.cfs_quota_us`)).toBe('200000');
    expect(fs.read(`cpu/${NAME}/${KEY}/cpu.cfs_period_us`)).toBe('100000');
    // growing needs memsw raised first; shrinking the plain limit first: both work
    expect(group.apply({ cpuCount: 1, memoryMB: 2048 })).toEqual([]);
    expect(fs.read(`memory/${NAME}/${KEY}/memory.limit_in_bytes`)).toBe(String(2048 * 1024 * 1024));
    expect(group.apply({ cpuCount: 1, memoryMB: 256 })).toEqual([]);
    expect(fs.read(`memory/${NAME}/${KEY}/memory.memsw.limit_in_bytes`)).toBe(String(256 * 1024 * 1024));

    await group.freeze(2 ** 22 + 1);
    expect(fs.read(`freezer/${NAME}/${KEY}/freezer.state`)).toBe('FROZEN');
    await group.release();
    for (const h of V1) expect(fs.exists(`${h}/${NAME}/${KEY}`)).toBe(false);
    await cgroups.releaseAll(true);
    for (const h of V1) expect(fs.exists(`${h}/${NAME}`)).toBe(false);
  });

  it('co-mounted cpu,cpuacct is one group; usage reads cpuacct and memory', () => {
    const hierarchies = ['memory', 'pids', 'cpu,cpuacct', 'freezer'];
    const fs = fakeV1(join(tmp, 'cg'), { hierarchies });
    const cgroups = Cgroups.detect(SCOPE, { root: fs.root, selfCgroup: v1SelfCgroup(hierarchies), uid: 0, pid: process.pid, io: fs.io, swap: false });
    const group = cgroups.group(KEY);
    expect(group.procsFiles).toHaveLength(4);
    group.apply(LIMITS);
    expect(fs.read(`cpu,cpuacct/${NAME}/${KEY}/cpu.cfs_quota_us`)).toBe('200000');
    fs.write(`memory/${NAME}/${KEY}/memory.usage_in_bytes`, '50000000\n');
    fs.write(`memory/${NAME}/${KEY}/memory.stat`, 'cache 9000000\ntotal_cache 10000000\ntotal_inactive_file 4000000\n');
    fs.write(`cpu,cpuacct/${NAME}/${KEY}/cpuacct.usage`, '2500000000\n');
    fs.write(`pids/${NAME}/${KEY}/pids.current`, '3\n');
    expect(group.usage()).toEqual({ memoryBytes: 46000000, memoryLimit: 512 * 1024 * 1024, cacheBytes: 10000000, cpuUsec: 2500000, pids: 3 });
  });

  it('without swap accounting on a host with swap: the limit holds for RAM, the report says swap is not limited', () => {
    const fs = fakeV1(join(tmp, 'cg'), { memsw: false });
    const cgroups = Cgroups.detect(SCOPE, { root: fs.root, selfCgroup: v1SelfCgroup(V1), uid: 0, pid: process.pid, io: fs.io, swap: true });
    expect(byKind(cgroups).memory).toMatchObject({ enforced: true, detail: expect.stringMatching(/swap is not limited/) });
    cgroups.group(KEY).apply(LIMITS);
    expect(fs.read(`memory/${NAME}/${KEY}/memory.swappiness`)).toBe('0');
  });

  it('a normal user cannot use v1 hierarchies: not enforced, pause falls back to signals', () => {
    const fs = fakeV1(join(tmp, 'cg'), { readOnly: V1 });
    const cgroups = Cgroups.detect(SCOPE, { root: fs.root, selfCgroup: v1SelfCgroup(V1), uid: 1000, pid: process.pid, io: fs.io, swap: false });
    expect(cgroups.usable).toBe(false);
    for (const l of cgroups.limits) expect(l.detail).toMatch(/not writable by this user.*no delegation/);
  });

  it('a kernel without CFS bandwidth control, or without a pids hierarchy, says so', () => {
    const fs = fakeV1(join(tmp, 'cg'), { hierarchies: ['memory', 'cpu', 'cpuacct', 'freezer'], cfsQuota: false });
    const cgroups = Cgroups.detect(SCOPE, {
      root: fs.root,
      selfCgroup: v1SelfCgroup(['memory', 'cpu', 'cpuacct', 'freezer']),
      uid: 0,
      pid: process.pid,
      io: fs.io,
      swap: false,
    });
    const k = byKind(cgroups);
    expect(k.memory.enforced).toBe(true);
    expect(k.cpu).toMatchObject({ enforced: false, detail: expect.stringMatching(/CFS bandwidth/) });
    expect(k.pids).toMatchObject({ enforced: false, detail: expect.stringMatching(/no cgroup v1 pids hierarchy/) });
  });

  it('releases the flat freezer groups of earlier versions', async () => {
    const fs = fakeV1(join(tmp, 'cg'));
    fs.group(`freezer/${NAME}-dddddddddddddddddddd`);
    const cgroups = Cgroups.detect(SCOPE, { root: fs.root, selfCgroup: v1SelfCgroup(V1), uid: 0, pid: process.pid, io: fs.io, swap: false });
    await cgroups.releaseAll(false);
    expect(fs.exists(`freezer/${NAME}-dddddddddddddddddddd`)).toBe(false);
  });
});

describe('no cgroups', () => {
  it('a tree with neither v2 nor v1 hierarchies says so', () => {
    const cgroups = Cgroups.detect(SCOPE, {
      root: join(tmp, 'nothing'),
      selfCgroup: '',
      uid: 0,
      pid: process.pid,
      io: fakeV1(join(tmp, 'x'), { hierarchies: [] }).io,
    });
    expect(cgroups.usable).toBe(false);
    expect(cgroups.limits.every((l) => !l.enforced && /no cgroup file system/.test(l.detail))).toBe(true);
  });
});

describe('joining the group at spawn', () => {
  it('wraps the command in a shell that writes its pid to every cgroup.procs, then execs it', () => {
    expect(joinCgroupCommand([], 'bwrap', ['--args', '4'])).toEqual({ command: 'bwrap', args: ['--args', '4'] });
    const run = joinCgroupCommand(['/a/cgroup.procs', '/b/cgroup.procs'], 'bwrap', ['--args', '4']);
    expect(run.command).toBe('/bin/sh');
    expect(run.args.slice(2)).toEqual(['sh', '/a/cgroup.procs', '/b/cgroup.procs', '--', 'bwrap', '--args', '4']);
  });

  it('the process that joined is the one that runs (exec keeps the pid); a group it cannot join is reported and it runs anyway', () => {
    const a = join(tmp, 'a.procs');
    const b = join(tmp, 'b.procs');
    writeFileSync(a, '');
    writeFileSync(b, '');
    const run = joinCgroupCommand([a, b], '/bin/sh', ['-c', 'echo $$']);
    const out = spawnSync(run.command, run.args, { encoding: 'utf8' });
    expect(out.status).toBe(0);
    expect(readFileSync(a, 'utf8').trim()).toBe(out.stdout.trim());
    expect(readFileSync(b, 'utf8').trim()).toBe(out.stdout.trim());

    const missing = joinCgroupCommand([join(tmp, 'gone', 'cgroup.procs')], '/bin/echo', ['ran']);
    const out2 = spawnSync(missing.command, missing.args, { encoding: 'utf8' });
    expect(out2.stdout).toBe('ran\n');
    expect(out2.stderr).toMatch(/could not join the cgroup .*gone\/cgroup.procs; this sandbox runs without its limits/);
  });
});
