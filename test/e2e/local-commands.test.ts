/**
 * The `local` commands: start, status, env, logs, stop, the automatic start of `--local`, the
 * unisolated runtime, and foreground mode.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanEnv, runCli } from '../helpers/cli.js';
import { requireSandboxFolder } from '../helpers/local-backend.js';
import { cliBin } from '../helpers/paths.js';

const homes: string[] = [];
function freshHome(): string {
  const home = mkdtempSync(join(tmpdir(), 'e2bts-local-'));
  homes.push(home);
  return home;
}
afterEach(async () => {
  for (const home of homes.splice(0)) {
    await runCli(['local', 'stop'], { env: { E2B_TS_HOME: home } });
    rmSync(home, { recursive: true, force: true });
  }
});

describe('local start / status / env / logs / stop', () => {
  it('runs the whole cycle', async () => {
    const home = freshHome();
    const env = { E2B_TS_HOME: home };
    const before = await runCli(['local', 'status'], { env });
    expect(before.code).toBe(3);
    expect(before.stderr).toMatch(/not running/);

    const start = await runCli(['local', 'start', '--port', '0'], { env });
    expect(start.code).toBe(0);
    const url = start.stdout.trim();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(statSync(join(home, 'api-key')).mode & 0o777).toBe(0o600);

    const again = await runCli(['local', 'start', '--json'], { env });
    expect(JSON.parse(again.stdout)).toMatchObject({ url, alreadyRunning: true });

    const status = await runCli(['local', 'status', '--json'], { env });
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ running: true, url, runtime: 'bubblewrap', isolated: true, sandboxes: { running: 0, paused: 0 } });

    const shell = await runCli(['local', 'env'], { env });
    const key = readFileSync(join(home, 'api-key'), 'utf8').trim();
    expect(shell.stdout).toBe(
      `export E2B_API_URL='${url}'\nexport E2B_SANDBOX_URL='${url}'\nexport E2B_VOLUME_API_URL='${url}'\nexport E2B_API_KEY='${key}'\n`,
    );

    // The variables work for any tool: our CLI without --local, as the official SDK would use them.
    const created = await runCli(['sandbox', 'create'], { env: { E2B_API_URL: url, E2B_SANDBOX_URL: url, E2B_API_KEY: key } });
    expect(created.code).toBe(0);

    const logs = await runCli(['local', 'logs', '-n', '50'], { env });
    expect(logs.stdout).toMatch(/listening on http:\/\/127\.0\.0\.1/);
    expect(logs.stdout).toContain(`created sandbox ${created.stdout.trim()}`);

    const stop = await runCli(['local', 'stop', '--json'], { env });
    expect(JSON.parse(stop.stdout)).toEqual({ stopped: true });
    expect((await runCli(['local', 'status'], { env })).code).toBe(3);
    // the sandbox survives the stop, paused
    const restarted = await runCli(['--local', 'sandbox', 'info', created.stdout.trim(), '--json'], { env });
    expect(JSON.parse(restarted.stdout).state).toBe('paused');
  });

  it('--local starts the backend once even when two commands race for it', async () => {
    const home = freshHome();
    const env = { E2B_TS_HOME: home };
    const [a, b] = await Promise.all([runCli(['--local', 'sandbox', 'ls'], { env }), runCli(['--local', 'sandbox', 'ls'], { env })]);
    expect([a.code, b.code]).toEqual([0, 0]);
    const listening = readFileSync(join(home, 'daemon.log'), 'utf8').match(/listening on/g) ?? [];
    expect(listening).toHaveLength(1);
  });
});

describe('unisolated runtime', () => {
  it('works without bubblewrap and says loudly that it does not isolate', async () => {
    const home = freshHome();
    const env = { E2B_TS_HOME: home, E2B_TS_RUNTIME: 'unisolated' };
    const start = await runCli(['local', 'start', '--port', '0'], { env });
    expect(start.code).toBe(0);
    expect(start.stderr).toMatch(/warning: sandboxes are NOT isolated/);
    const status = await runCli(['local', 'status'], { env });
    expect(status.stdout).toMatch(/^runtime\tunisolated/m);
    expect(status.stderr).toMatch(/NOT isolated/);
    const id = (await runCli(['--local', 'sandbox', 'create', '--env', 'HELLO=world'], { env })).stdout.trim();
    expect(id).toMatch(/^i[a-z0-9]{20}$/);
    const url = start.stdout.trim();
    const record = JSON.parse(readFileSync(join(requireSandboxFolder(home, id), 'sandbox.json'), 'utf8')) as { envdAccessToken: string };
    const res = await fetch(`${url}/envs`, { headers: { 'E2b-Sandbox-Id': id, 'X-Access-Token': record.envdAccessToken } });
    expect(await res.json()).toMatchObject({ HELLO: 'world', E2B_SANDBOX: 'true', E2B_SANDBOX_ID: id });
  });
});

describe('foreground mode', () => {
  it('prints the URL, logs to stderr, and stops cleanly on Ctrl-C', async () => {
    const home = freshHome();
    const child = spawn(process.execPath, [cliBin, 'local', 'start', '--foreground', '--port', '0'], {
      env: cleanEnv({ E2B_TS_HOME: home }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    for (let i = 0; i < 200 && !stdout.includes('\n'); i++) await new Promise((r) => setTimeout(r, 50));
    const url = stdout.trim();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await fetch(`${url}/health`)).status).toBe(204);
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(stderr).toMatch(/listening on/);
    expect(stderr).toMatch(/stopped/);
    await expect(fetch(`${url}/health`)).rejects.toThrow();
  });
});
