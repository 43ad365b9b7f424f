/**
 * Conformance: the official `e2b` npm SDK, pointed at the local backend by the values of
 * `e2b-ts local env` (set as E2B_API_URL / E2B_SANDBOX_URL / E2B_API_KEY, the SDK's documented
 * route), runs the sandbox lifecycle and gets what E2B Cloud would give it: create with
 * metadata and envs, list (paging, metadata and state filters), getInfo, setTimeout,
 * isRunning, pause, connect (resume), getMetrics, snapshots, kill, and the errors.
 *
 * The scenarios live in sandbox-scenarios.ts; our own client runs the same ones in
 * sandbox-differential.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalBackend, type LocalBackend } from '../helpers/local-backend.js';
import { sdkClient } from './clients.js';
import { defineSandboxScenarios, localEnv, useLocalEnv, type LocalEnv } from './sandbox-scenarios.js';

let backend: LocalBackend;
let env: LocalEnv;

beforeAll(async () => {
  backend = await startLocalBackend();
  env = await localEnv(backend);
  useLocalEnv(env);
});
afterAll(async () => {
  await backend?.dispose();
});

describe('the official e2b SDK against the local backend', () => {
  it('is configured only by the values of `e2b-ts local env`', () => {
    expect(Object.keys(process.env).filter((k) => k.startsWith('E2B_')).sort()).toEqual(['E2B_API_KEY', 'E2B_API_URL', 'E2B_SANDBOX_URL']);
    expect(process.env.E2B_API_URL).toBe(env.E2B_API_URL);
    expect(process.env.E2B_SANDBOX_URL).toBe(env.E2B_SANDBOX_URL);
    expect(process.env.E2B_API_KEY).toBe(env.E2B_API_KEY);
  });

  defineSandboxScenarios(() => sdkClient, () => env);
});
