/**
 * Issue 15, "messages a person can act on", against a real local backend: the failures where
 * "internal: internal error" and "aborted: aborted" used to reach people, and `sandbox url` of a
 * local sandbox.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { spawnCli } from '../helpers/cli-process.js';
import { startLocalBackend, type LocalBackend } from '../helpers/local-backend.js';

let backend: LocalBackend;
let id: string;
const cli = (args: string[], env: Record<string, string> = {}) => runCli(['--local', ...args], { env: { E2B_TS_HOME: backend.home, ...env } });

beforeAll(async () => {
  backend = await startLocalBackend();
  const created = await cli(['sandbox', 'create']);
  expect(created.code, created.stderr).toBe(0);
  id = created.stdout.trim();
}, 120_000);

afterAll(async () => {
  await backend?.dispose();
});

describe('messages a person can act on (issue 15)', () => {
  it('a failure envd did not map keeps its reason (was "internal: internal error")', async () => {
    const made = await cli(['exec', id, '--', 'sh', '-c', 'ln -s loop-b /tmp/loop-a && ln -s loop-a /tmp/loop-b']);
    expect(made.code, made.stderr).toBe(0);
    const res = await cli(['fs', 'stat', `${id}:/tmp/loop-a/x`]);
    expect(res.code).toBe(1);
    expect(res.stderr).toBe('error: internal: error statting file: lstat /tmp/loop-a/x: too many levels of symbolic links\n');
  });

  it('`sandbox url` of a local sandbox is its local URL, also with E2B_DEBUG set and without --local', async () => {
    const want = `http://8080-${id}.localhost:${backend.port}\n`;
    // the variables `e2b-ts local env` prints, plus E2B's debug mode and a cloud domain
    const env = { ...backend.env, E2B_DEBUG: 'true', E2B_DOMAIN: 'e2b.app' };
    const res = await runCli(['sandbox', 'url', id, '8080'], { env });
    expect(res.stderr).toBe('');
    expect(res.stdout).toBe(want);
    expect((await cli(['sandbox', 'url', id, '8080'], { E2B_DEBUG: 'true', E2B_DOMAIN: 'e2b.app' })).stdout).toBe(want);
  });

  // last: it takes the backend down
  it('a backend that dies under a running command is named as the cause (was "aborted: aborted")', async () => {
    const exec = spawnCli(['--local', 'exec', id, '--', 'sh', '-c', 'echo started; sleep 60'], { env: { E2B_TS_HOME: backend.home }, stdin: 'ignore' });
    await exec.waitFor((stdout) => stdout.toString().includes('started'), 60_000);
    await backend.crash();
    const end = await exec.exited;
    expect(end.code).toBe(125);
    expect(exec.stderr()).toBe(
      `error: the connection to the sandbox broke while the command ran, and now cannot reach the sandbox at ${backend.url}: the backend or the network to it is down (the command may still be running)\n`,
    );
    // the sandboxes it left are put away by a restart, as after any crash
    await backend.restart();
  }, 120_000);
});
