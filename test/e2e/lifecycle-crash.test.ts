/**
 * Lifecycle under crashes, with a real daemon and real sandboxes: envd killed inside a sandbox
 * comes back on the same files (a reboot), and requests in between are told "restarting"; a
 * daemon killed with SIGKILL leaves frozen processes, lifetimes that run out and half-done
 * uploads, and the next daemon reaps, kills (or pauses) and cleans them at start-up.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { requireSandboxFolder, sandboxFolder, startLocalBackend, type LocalBackend } from '../helpers/local-backend.js';

let backend: LocalBackend;
const cli = (...args: string[]) => runCli(['--local', ...args], { env: { E2B_TS_HOME: backend.home } });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function create(...args: string[]): Promise<string> {
  const res = await cli('sandbox', 'create', ...args);
  expect(res.code, res.stderr).toBe(0);
  return res.stdout.trim();
}

const info = async (id: string) => {
  const res = await cli('sandbox', 'info', id, '--json');
  return res.code === 0 ? (JSON.parse(res.stdout) as { state: string }) : undefined;
};

/** Polls until `check` holds (the daemon works asynchronously); returns the last value. */
async function eventually<T>(probe: () => Promise<T> | T, check: (v: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (check(value) || Date.now() > deadline) return value;
    await sleep(100);
  }
}

/** The sandbox's record as the daemon keeps it on disk. */
function record(id: string): { state: string; process?: { pid: number }; restarts?: number } {
  return JSON.parse(readFileSync(join(requireSandboxFolder(backend.home, id), 'sandbox.json'), 'utf8'));
}

/** A host process and all its descendants, from /proc. */
function processTree(root: number): number[] {
  const parent = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      parent.set(Number(name), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // gone meanwhile
    }
  }
  const out = [root];
  for (let i = 0; i < out.length; i++) for (const [pid, ppid] of parent) if (ppid === out[i]) out.push(pid);
  return out.filter((pid) => parent.has(pid));
}

/** Whether a pid names a live process (a zombie is dead: it only waits to be reaped). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

beforeAll(async () => {
  backend = await startLocalBackend();
});
afterAll(async () => {
  await backend?.dispose();
});

describe('envd dying inside a running sandbox', () => {
  it('root in the sandbox kills envd: the sandbox reboots on the same files and says why', async (ctx) => {
    const runtime = JSON.parse(readFileSync(join(backend.home, 'daemon.json'), 'utf8')).runtime as string;
    // Only bubblewrap gives the sandbox a process namespace of its own, where "envd" is its envd.
    if (runtime !== 'bubblewrap') ctx.skip(`killing envd from inside needs the bubblewrap runtime (this daemon runs ${runtime})`);
    const id = await create('--timeout', '5m');
    expect((await cli('exec', id, '--', 'sh', '-c', 'echo kept > /home/user/keep.txt')).code).toBe(0);
    const pidBefore = record(id).process?.pid;
    const killer = await cli(
      'exec',
      '--user',
      'root',
      id,
      '--',
      'sh',
      '-c',
      'for p in /proc/[0-9]*; do grep -q "[e]2b-bin/envd.mjs" $p/cmdline 2>/dev/null && kill -9 ${p#/proc/}; done; sleep 5',
    );
    // the command died with envd: it says so, and is not mistaken for a timeout (exit 5)
    expect(killer.code).toBe(125);
    expect(killer.stderr).toMatch(/restarting|envd stopped/);
    const back = await eventually(
      () => cli('exec', id, '--', 'cat', '/home/user/keep.txt'),
      (r) => r.code === 0,
    );
    expect(back.stdout).toBe('kept\n');
    expect(record(id)).toMatchObject({ state: 'running', restarts: 1 });
    expect(record(id).process?.pid).not.toBe(pidBefore);
    expect((await info(id))?.state).toBe('running');
    const logs = (await cli('sandbox', 'logs', id)).stdout;
    expect(logs).toMatch(/WARN +envd exited unexpectedly \(exit code 137: killed by SIGKILL\); restarting it on the same files/);
    expect(logs).toMatch(/INFO +envd restarted \(restart 1\); files kept, processes lost/);
    expect(readFileSync(join(backend.home, 'daemon.log'), 'utf8')).toContain(`sandbox ${id}: envd exited unexpectedly`);
  });

  it('killed from the host by the pid the daemon records: requests meanwhile get 503 "restarting", then it answers again', async () => {
    const id = await create('--timeout', '5m', '--no-secure');
    const { pid } = record(id).process!;
    const health = async () => {
      const res = await fetch(`${backend.url}/health`, { headers: { 'e2b-sandbox-id': id } });
      return { status: res.status, header: res.headers.get('x-e2b-ts-sandbox-state'), body: await res.text() };
    };
    expect((await health()).status).toBe(204);
    process.kill(pid, 'SIGKILL');
    const seen: Array<Awaited<ReturnType<typeof health>>> = [];
    // Ask at once and on: envd takes a good while to start again, each request a moment.
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      const answer = await health();
      seen.push(answer);
      if (answer.status === 204 && seen.some((a) => a.status === 503)) break;
    }
    const restarting = seen.filter((a) => a.status === 503);
    expect(restarting.length, JSON.stringify(seen.slice(0, 5))).toBeGreaterThan(0);
    for (const answer of restarting) {
      expect(answer.header).toBe('restarting');
      expect(JSON.parse(answer.body)).toMatchObject({ sandboxId: id, code: 503, message: expect.stringContaining('restarting') });
    }
    // nothing in between said "paused" or "not found"
    expect(seen.filter((a) => a.status !== 503 && a.status !== 204)).toEqual([]);
    expect(seen.at(-1)?.status).toBe(204);
    expect((await cli('exec', id, '--', 'echo', 'again')).stdout).toBe('again\n');
    expect((await cli('sandbox', 'logs', id)).stdout).toMatch(/envd exited unexpectedly \(killed by SIGKILL\)/);
  });
});

describe('a daemon killed with SIGKILL', () => {
  it('leaves a paused sandbox frozen: the next daemon reaps the processes, and the sandbox resumes with its files', async () => {
    const id = await create('--timeout', '5m');
    expect((await cli('exec', id, '--', 'sh', '-c', 'echo frozen > /home/user/keep.txt')).code).toBe(0);
    expect((await cli('exec', '--background', id, '--', 'sleep', '1000')).code).toBe(0);
    expect((await cli('sandbox', 'pause', id)).code).toBe(0);
    const tree = processTree(record(id).process!.pid);
    expect(tree.length).toBeGreaterThan(1);
    await backend.crash();
    // A frozen process cannot act on the SIGKILL its dying parent sends (cgroup freezer): these
    // outlive the daemon until someone thaws them. (With the signal fallback they die at once.)
    const survivors = tree.filter(alive);
    await backend.restart();
    const left = await eventually(
      () => tree.filter(alive),
      (l) => l.length === 0,
      10_000,
    );
    expect(left, `${survivors.length} of ${tree.length} outlived the crash`).toEqual([]);
    expect((await info(id))?.state).toBe('paused');
    expect(record(id).process).toBeUndefined();
    expect(readFileSync(join(requireSandboxFolder(backend.home, id), 'fs', 'home', 'user', 'keep.txt'), 'utf8')).toBe('frozen\n');
    expect((await cli('sandbox', 'resume', id)).code).toBe(0);
    expect((await cli('exec', id, '--', 'cat', '/home/user/keep.txt')).stdout).toBe('frozen\n');
  });

  it("whose sandboxes' timeout passes while it is down: killed (or paused, per onTimeout) at start-up", async () => {
    const later = await create('--timeout', '1h');
    const api = (path: string, body: unknown) =>
      fetch(`${backend.url}${path}`, {
        method: 'POST',
        headers: { 'x-api-key': backend.apiKey, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }).then(async (r) => (await r.json()) as { sandboxID: string });
    const [killed, paused] = await Promise.all([
      api('/sandboxes', { templateID: 'base', timeout: 3 }),
      api('/sandboxes', { templateID: 'base', timeout: 3, autoPause: true }),
    ]);
    await backend.crash();
    // the old daemon did not get to them
    for (const s of [killed, paused]) expect(record(s.sandboxID).state).toBe('running');
    const endAt = Date.now() + 3_000;
    await eventually(
      () => Date.now(),
      (now) => now > endAt + 500,
      10_000,
    );
    await backend.restart();
    expect(await info(killed.sandboxID)).toBeUndefined();
    expect(sandboxFolder(backend.home, killed.sandboxID)).toBeUndefined();
    expect((await cli('sandbox', 'kill', killed.sandboxID)).code).toBe(3);
    expect((await info(paused.sandboxID))?.state).toBe('paused');
    expect((await cli('sandbox', 'logs', paused.sandboxID)).stdout).toMatch(/its timeout passed while the local daemon was down; paused/);
    expect((await info(later))?.state).toBe('paused');
    expect(readFileSync(join(backend.home, 'daemon.log'), 'utf8')).toContain(
      `sandbox ${killed.sandboxID} reached its timeout while the daemon was down (kill)`,
    );
  });

  it('in the middle of an upload: the next daemon removes its temporary file', async () => {
    const id = await create('--timeout', '5m', '--no-secure');
    // an existing target: the upload goes to a temporary beside it (envd/files.ts)
    expect((await cli('exec', id, '--', 'sh', '-c', 'echo old > /home/user/big.bin')).code).toBe(0);
    const userDir = join(requireSandboxFolder(backend.home, id), 'fs', 'home', 'user');
    const temps = () => readdirSync(userDir).filter((n) => n.startsWith('.e2b-ts-upload-'));
    const upload = request(`${backend.url}/files?path=/home/user/big.bin&username=user`, {
      method: 'POST',
      headers: { 'e2b-sandbox-id': id, 'content-type': 'application/octet-stream', 'transfer-encoding': 'chunked' },
    });
    upload.on('error', () => {});
    upload.write(Buffer.alloc(1 << 20, 'x'));
    expect(await eventually(temps, (t) => t.length > 0)).toHaveLength(1);
    const [temp] = temps();
    // envd must not get to clean up after the cut request: it is stopped before the daemon dies
    // and killed after (a machine losing power leaves the same)
    const tree = processTree(record(id).process!.pid);
    const signal = (s: NodeJS.Signals) => {
      for (const pid of tree) {
        try {
          process.kill(pid, s);
        } catch {
          // gone already (bubblewrap's tree dies with the daemon)
        }
      }
    };
    signal('SIGSTOP');
    await backend.crash();
    signal('SIGKILL');
    upload.destroy();
    await eventually(
      () => tree.filter(alive),
      (l) => l.length === 0,
      10_000,
    );
    expect(existsSync(join(userDir, temp))).toBe(true);
    await backend.restart();
    expect(await eventually(temps, (t) => t.length === 0)).toEqual([]);
    expect(readFileSync(join(userDir, 'big.bin'), 'utf8')).toBe('old\n');
    expect((await cli('sandbox', 'logs', id)).stdout).toMatch(/removed 1 temporary file\(s\) of interrupted uploads/);
  });
});
