/**
 * Conformance: the official `e2b` npm SDK, pointed at the local backend by the values of
 * `e2b-ts local env` (E2B_API_URL / E2B_SANDBOX_URL / E2B_API_KEY in process.env), runs commands
 * in a sandbox and gets what E2B's envd would give it: commands.run (stdout/stderr, exit codes
 * 0/3/137/-1, envs, cwd, users, timeoutMs → TimeoutError with the process killed), background
 * start + list + connect + kill, sendStdin + closeStdin, 10 MB of output without loss, and a
 * stream kept alive over a 70-second silence.
 *
 * The scenarios live in commands-scenarios.ts; our own client runs the same ones in
 * commands-differential.test.ts.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { LocalBackend } from '../helpers/local-backend.js';
import { defineCommandScenarios, expectSilentOutcome, runSilent, sdkCommandsClient, type CommandsSandbox } from './commands-scenarios.js';
import { startLocalEnv } from './sandbox-scenarios.js';

let backend: LocalBackend;

beforeAll(async () => {
  ({ backend } = await startLocalEnv());
});
afterAll(async () => {
  await backend?.dispose();
});

describe('the official e2b SDK runs commands on the local backend', () => {
  defineCommandScenarios(() => sdkCommandsClient);

  describe('keepalive', () => {
    let sandbox: CommandsSandbox | undefined;
    afterAll(async () => {
      await sandbox?.kill().catch(() => false);
    });

    it('a command silent for 70 s completes with both lines, with timeoutMs 0 and 120000', async () => {
      sandbox = await sdkCommandsClient.create({ timeoutMs: 600_000 });
      const c = sandbox.commands;
      // Run concurrently: the test takes one silence, not two.
      const [noTimeout, longTimeout] = await Promise.all([runSilent(c, 0), runSilent(c, 120_000)]);
      expectSilentOutcome(noTimeout);
      expectSilentOutcome(longTimeout);
    }, 150_000);
  });
});
