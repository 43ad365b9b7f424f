/**
 * Lifecycle semantics of the local backend through the CLI: timeouts kill or pause, pause and
 * resume, connecting never shortens a lifetime, and a daemon restart keeps every sandbox's files.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { requireSandboxFolder, sandboxFolder, startLocalBackend, type LocalBackend } from '../helpers/local-backend.js';

let backend: LocalBackend;
const cli = (...args: string[]) => runCli(['--local', ...args], { env: { E2B_TS_HOME: backend.home } });
const info = async (id: string) => {
  const res = await cli('sandbox', 'info', id, '--json');
  return res.code === 0 ? (JSON.parse(res.stdout) as { state: string; endAt: string; startedAt: string }) : undefined;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls until `check` holds (the daemon's timers fire asynchronously). */
async function eventually<T>(probe: () => Promise<T>, check: (v: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (check(value) || Date.now() > deadline) return value;
    await sleep(250);
  }
}

beforeAll(async () => {
  backend = await startLocalBackend();
});
afterAll(async () => {
  await backend?.dispose();
});

describe('timeouts', () => {
  it('a sandbox whose timeout passes is gone, with its files', async () => {
    const id = (await cli('sandbox', 'create', '--timeout', '2s')).stdout.trim();
    expect((await info(id))?.state).toBe('running');
    const gone = await eventually(
      () => info(id),
      (v) => v === undefined,
    );
    expect(gone).toBeUndefined();
    expect(sandboxFolder(backend.home, id)).toBeUndefined();
    expect((await cli('sandbox', 'kill', id)).code).toBe(3);
  });

  it('with --on-timeout pause it is paused instead, and resumes', async () => {
    const id = (await cli('sandbox', 'create', '--timeout', '2s', '--on-timeout', 'pause')).stdout.trim();
    const paused = await eventually(
      () => info(id),
      (v) => v?.state === 'paused',
    );
    expect(paused?.state).toBe('paused');
    const resume = await cli('sandbox', 'resume', id, '--timeout', '1m');
    expect(resume.code).toBe(0);
    expect((await info(id))?.state).toBe('running');
  });

  it('timeout sets the end from now, and may shorten it', async () => {
    const id = (await cli('sandbox', 'create', '--timeout', '1h')).stdout.trim();
    const before = await info(id);
    expect((await cli('sandbox', 'timeout', id, '10m')).code).toBe(0);
    const after = await info(id);
    const remaining = Date.parse(after!.endAt) - Date.now();
    expect(remaining).toBeGreaterThan(9 * 60_000);
    expect(remaining).toBeLessThanOrEqual(10 * 60_000);
    expect(Date.parse(after!.endAt)).toBeLessThan(Date.parse(before!.endAt));
  });

  it('resume of a running sandbox never shortens its lifetime (e2b-dev/E2B#1055)', async () => {
    const id = (await cli('sandbox', 'create', '--timeout', '1h')).stdout.trim();
    const before = await info(id);
    expect((await cli('sandbox', 'resume', id, '--timeout', '1m')).code).toBe(0);
    const after = await info(id);
    expect(after!.endAt).toBe(before!.endAt);
  });
});

describe('pause and resume', () => {
  it('pause freezes, a second pause says so, resume brings it back', async () => {
    const id = (await cli('sandbox', 'create')).stdout.trim();
    const first = await cli('sandbox', 'pause', id, '--json');
    expect(JSON.parse(first.stdout)).toMatchObject({ sandboxId: id, paused: true });
    expect((await info(id))?.state).toBe('paused');
    const second = await cli('sandbox', 'pause', id, '--json');
    expect(second.code).toBe(0);
    expect(JSON.parse(second.stdout).paused).toBe(false);
    const listed = await cli('sandbox', 'ls', '--state', 'paused', '--json');
    expect((JSON.parse(listed.stdout) as Array<{ sandboxId: string }>).map((s) => s.sandboxId)).toContain(id);
    expect((await cli('sandbox', 'resume', id)).code).toBe(0);
    expect((await info(id))?.state).toBe('running');
  });
});

describe('daemon restart', () => {
  it('keeps every sandbox and its files; dead sandboxes come back paused and resume', async () => {
    const running = (await cli('sandbox', 'create', '--metadata', 'restart=1')).stdout.trim();
    const paused = (await cli('sandbox', 'create', '--metadata', 'restart=1')).stdout.trim();
    // Files written in the sandboxes (they land in the sandbox's own upper layer on the host).
    const fileOf = (id: string) => join(requireSandboxFolder(backend.home, id), 'fs', 'home', 'user', 'keep.txt');
    for (const [id, text] of [
      [running, 'running sandbox data'],
      [paused, 'paused sandbox data'],
    ]) {
      expect((await cli('exec', id, '--', 'sh', '-c', `printf '${text}' > /home/user/keep.txt`)).code).toBe(0);
    }
    expect((await cli('sandbox', 'pause', paused)).code).toBe(0);

    await backend.restart();

    const listed = JSON.parse((await cli('sandbox', 'ls', '--metadata', 'restart=1', '--json')).stdout) as Array<{ sandboxId: string; state: string }>;
    expect(listed.map((s) => [s.sandboxId, s.state]).sort()).toEqual(
      [
        [paused, 'paused'],
        [running, 'paused'],
      ].sort(),
    );
    expect(readFileSync(fileOf(running), 'utf8')).toBe('running sandbox data');
    expect(readFileSync(fileOf(paused), 'utf8')).toBe('paused sandbox data');
    expect((await cli('sandbox', 'resume', running)).code).toBe(0);
    expect((await info(running))?.state).toBe('running');
    expect(readFileSync(fileOf(running), 'utf8')).toBe('running sandbox data');
    const logs = await cli('sandbox', 'logs', running);
    expect(logs.stdout).toMatch(/daemon (stopped|restarted).*paused/);
  });
});

describe('metrics, logs, snapshots, url', () => {
  it('metrics come from /proc', async () => {
    const id = (await cli('sandbox', 'create')).stdout.trim();
    const res = await cli('sandbox', 'metrics', id, '--json');
    const samples = JSON.parse(res.stdout) as Array<Record<string, number | string>>;
    expect(samples.length).toBeGreaterThan(0);
    const last = samples[samples.length - 1];
    expect(last.cpuCount).toBe(2);
    expect(last.memUsed as number).toBeGreaterThan(1024 * 1024);
    expect(last.memTotal).toBe(512 * 1024 * 1024);
    expect(typeof last.timestamp).toBe('string');
  });

  it('logs record lifecycle events', async () => {
    const id = (await cli('sandbox', 'create')).stdout.trim();
    await cli('sandbox', 'pause', id);
    await cli('sandbox', 'resume', id);
    const res = await cli('sandbox', 'logs', id);
    expect(res.code).toBe(0);
    const lines = res.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^\d{4}-\d\d-\d\dT.*Z INFO {2}sandbox created from template base$/);
    expect(res.stdout).toMatch(/sandbox paused/);
    expect(res.stdout).toMatch(/sandbox resumed/);
    const json = JSON.parse((await cli('sandbox', 'logs', id, '--json')).stdout) as Array<{ level: string; message: string }>;
    expect(json[0]).toMatchObject({ level: 'info', message: 'sandbox created from template base' });
  });

  it('snapshot create / ls / rm, and a sandbox from the snapshot has the files', async () => {
    const id = (await cli('sandbox', 'create')).stdout.trim();
    expect((await cli('exec', id, '--', 'sh', '-c', 'printf "snapshot me" > /home/user/snap.txt')).code).toBe(0);
    const snap = (await cli('sandbox', 'snapshot', 'create', id, '--name', 'e2e-snap')).stdout.trim();
    expect(snap).toBe('local/e2e-snap:default');
    const listed = JSON.parse((await cli('sandbox', 'snapshot', 'ls', '--sandbox', id, '--json')).stdout) as Array<{ snapshotId: string }>;
    expect(listed.map((s) => s.snapshotId)).toEqual([snap]);
    const child = (await cli('sandbox', 'create', 'e2e-snap')).stdout.trim();
    expect((await cli('fs', 'cat', `${child}:/home/user/snap.txt`)).stdout).toBe('snapshot me');
    expect((await cli('sandbox', 'snapshot', 'rm', snap)).code).toBe(0);
    expect((await cli('sandbox', 'snapshot', 'rm', snap)).code).toBe(3);
  });

  it('url of the envd port routes to the sandbox through the daemon', async () => {
    const id = (await cli('sandbox', 'create', '--no-secure')).stdout.trim();
    const url = (await cli('sandbox', 'url', id, '49983')).stdout.trim();
    expect(url).toBe(`http://49983-${id}.localhost:${backend.port}`);
    // Resolve *.localhost ourselves: the daemon routes by the Host header.
    const res = await fetch(`${backend.url}/health`, { headers: { host: new URL(url).host } });
    expect(res.status).toBe(204);
  });
});
