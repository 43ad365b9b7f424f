/**
 * Chain 8 of the security issue: `fs mkdir ID:/proc/x` sent envd into an endless loop at ~0.6
 * core (Node's recursive mkdir never settles on procfs) and the client gave up after 60 s with
 * exit 5. Any caller allowed to make folders could spin a sandbox's envd for ever. Each case here
 * has 20 s, a third of the time the old client waited, to fail cleanly.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/index.js';
import { runCli } from '../helpers/cli.js';
import { createSandbox, run, startLocalBackend, type LocalBackend } from './kit.js';

let backend: LocalBackend;
let sandbox: Sandbox;
const cli = (...args: string[]) => runCli(['--local', ...args], { env: { E2B_TS_HOME: backend.home }, timeoutMs: 20_000 });

beforeAll(async () => {
  backend = await startLocalBackend();
  sandbox = await createSandbox(backend);
});
afterAll(async () => {
  await backend?.dispose();
});

describe('chain 8: making folders on a pseudo file system fails fast', () => {
  it.each([
    ['/proc/x', []],
    ['/proc/x/y/z', ['-p']],
    ['/sys/x', ['-p']],
    ['/proc/self/x', ['-p']],
  ])(
    'fs mkdir %s: exit 1, one line naming the path',
    async (path, flags) => {
      const res = await cli('fs', 'mkdir', ...flags, `${sandbox.sandboxId}:${path}`);
      expect(res.signal, 'the CLI ended by itself').toBeNull();
      expect(res.code).toBe(1);
      expect(res.stderr.trim().split('\n')).toHaveLength(1);
      expect(res.stderr).toContain(path);
      expect(res.stderr).toMatch(/pseudo file system/);
    },
    20_000,
  );

  it('the library and an upload into such a folder fail too, and envd keeps answering', async () => {
    await expect(sandbox.files.makeDir('/proc/e2bts/a/b')).rejects.toThrow(/\/proc\/e2bts\/a\/b/);
    await expect(sandbox.files.write('/sys/e2bts/file.txt', 'x')).rejects.toThrow(/\/sys\/e2bts\/file\.txt/);
    const res = await run(sandbox, 'echo alive', 'user');
    expect(res.stdout.trim()).toBe('alive');
  }, 20_000);
});
