/**
 * The sandbox commands end to end: the built CLI as a subprocess against a real local backend.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { startLocalBackend, type LocalBackend } from '../helpers/local-backend.js';

let backend: LocalBackend;
const cli = (args: string[], input?: string) => runCli(['--local', ...args], { env: { E2B_TS_HOME: backend.home }, ...(input !== undefined ? { input } : {}) });

beforeAll(async () => {
  backend = await startLocalBackend();
});
afterAll(async () => {
  await backend?.dispose();
});

describe('sandbox create / ls / info / kill', () => {
  it('create prints the new ID alone on stdout', async () => {
    const res = await cli(['sandbox', 'create', '--metadata', 'suite=cli', '--env', 'A=1']);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/^i[a-z0-9]{20}\n$/);
  });

  it('create --json prints the sandbox as the SDK names its fields', async () => {
    const res = await cli(['sandbox', 'create', '--json', '--metadata', 'suite=json']);
    expect(res.code).toBe(0);
    const info = JSON.parse(res.stdout);
    expect(info).toMatchObject({ state: 'running', metadata: { suite: 'json' }, name: 'base', envdVersion: '0.6.13' });
    expect(info.sandboxId).toMatch(/^i[a-z0-9]{20}$/);
    expect(Date.parse(info.endAt) - Date.parse(info.startedAt)).toBe(300_000);
    expect(JSON.stringify(info)).not.toMatch(/envdAccessToken|apiKey/);
  });

  it('ls is tab-separated when piped and filters by metadata', async () => {
    const res = await cli(['sandbox', 'ls', '--metadata', 'suite=cli']);
    expect(res.code).toBe(0);
    const rows = res.stdout
      .trim()
      .split('\n')
      .map((l) => l.split('\t'));
    expect(rows).toHaveLength(1);
    expect(rows[0][2]).toBe('running');
    expect(rows[0][7]).toBe('suite=cli');
  });

  it('info, then kill, then info is not found (exit 3)', async () => {
    const id = (await cli(['sandbox', 'create'])).stdout.trim();
    const info = await cli(['sandbox', 'info', id, '--json']);
    expect(JSON.parse(info.stdout).sandboxId).toBe(id);
    const kill = await cli(['sandbox', 'kill', id]);
    expect(kill.code).toBe(0);
    const again = await cli(['sandbox', 'info', id]);
    expect(again.code).toBe(3);
    expect(again.stderr).toBe(`error: sandbox ${id} not found (it may have been killed or its timeout passed)\n`);
    const killAgain = await cli(['sandbox', 'kill', id]);
    expect(killAgain.code).toBe(3);
  });
});
