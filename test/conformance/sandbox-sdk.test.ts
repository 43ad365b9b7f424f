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
import { Sandbox } from 'e2b';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalBackend } from '../helpers/local-backend.js';
import { sdkClient } from './clients.js';
import { defineSandboxScenarios, envdGet, startLocalEnv, type LocalEnv } from './sandbox-scenarios.js';

let backend: LocalBackend;
let env: LocalEnv;

beforeAll(async () => ({ backend, env } = await startLocalEnv()));
afterAll(async () => {
  await backend?.dispose();
});

describe('the official e2b SDK against the local backend', () => {
  it('is configured only by the values of `e2b-ts local env`', () => {
    expect(
      Object.keys(process.env)
        .filter((k) => k.startsWith('E2B_'))
        .sort(),
    ).toEqual(['E2B_API_KEY', 'E2B_API_URL', 'E2B_SANDBOX_URL', 'E2B_VOLUME_API_URL']);
    expect(process.env.E2B_API_URL).toBe(env.E2B_API_URL);
    expect(process.env.E2B_SANDBOX_URL).toBe(env.E2B_SANDBOX_URL);
    expect(process.env.E2B_API_KEY).toBe(env.E2B_API_KEY);
  });

  defineSandboxScenarios(
    () => sdkClient,
    () => env,
  );
});

describe('the domain of the local backend', () => {
  it('getHost(port) is <port>-<id>.localhost:<backend port> after create, connect and getInfo, while envd traffic keeps to E2B_SANDBOX_URL', async () => {
    const sandbox = await Sandbox.create();
    try {
      const domain = `localhost:${new URL(env.E2B_API_URL).port}`;
      expect(sandbox.getHost(8000)).toBe(`8000-${sandbox.sandboxId}.${domain}`);
      expect((await Sandbox.connect(sandbox.sandboxId)).getHost(3000)).toBe(`3000-${sandbox.sandboxId}.${domain}`);
      expect((await sandbox.getInfo()).sandboxDomain).toBe(domain);
      // with a domain of its own, the SDK would send envd calls to https://49983-<id>.<domain>; E2B_SANDBOX_URL wins
      expect((await sandbox.commands.run('echo still-here')).stdout).toBe('still-here\n');
      expect(await sandbox.isRunning()).toBe(true);
    } finally {
      await sandbox.kill();
    }
  });
});

describe('SDK-only options of the v2 endpoints', () => {
  it("connect with onResume 'reboot' (memory: false) cold-boots a paused sandbox with its envs and token", async () => {
    const sandbox = await Sandbox.create({ envs: { REBOOT_CHECK: 'kept' } });
    const token = (sandbox as unknown as { envdAccessToken?: string }).envdAccessToken;
    try {
      expect(await sandbox.pause()).toBe(true);
      const resumed = await Sandbox.connect(sandbox.sandboxId, { onResume: 'reboot' });
      expect((await resumed.getInfo()).state).toBe('running');
      expect(await resumed.isRunning()).toBe(true);
      expect((resumed as unknown as { envdAccessToken?: string }).envdAccessToken).toBe(token);
      const envs = await envdGet(env, sandbox.sandboxId, '/envs', token);
      expect(envs.status).toBe(200);
      expect(((await envs.json()) as Record<string, string>).REBOOT_CHECK).toBe('kept');
    } finally {
      await sandbox.kill();
    }
  });

  it('POST /v2/sandboxes and /v2/sandboxes/{id}/connect apply the v2 defaults on the wire', async () => {
    const headers = { 'X-API-Key': env.E2B_API_KEY, 'Content-Type': 'application/json' };
    // No timeout and no `secure`: 300 s and always secured.
    const created = await fetch(`${env.E2B_API_URL}/v2/sandboxes`, { method: 'POST', headers, body: JSON.stringify({ templateID: 'base', secure: false }) });
    expect(created.status).toBe(201);
    const body = (await created.json()) as { sandboxID: string; envdAccessToken?: string; clientID: string; envdVersion: string };
    expect(typeof body.envdAccessToken).toBe('string');
    expect(body.clientID).toBeTruthy();
    try {
      const info = await Sandbox.getInfo(body.sandboxID);
      expect(info.endAt.getTime() - info.startedAt.getTime()).toBe(300_000);
      // A connect without a body: 200 for a running sandbox; 201 once it resumes a paused one.
      const running = await fetch(`${env.E2B_API_URL}/v2/sandboxes/${body.sandboxID}/connect`, { method: 'POST', headers: { 'X-API-Key': env.E2B_API_KEY } });
      expect(running.status).toBe(200);
      expect(((await running.json()) as { envdAccessToken?: string }).envdAccessToken).toBe(body.envdAccessToken);
      expect(await Sandbox.pause(body.sandboxID)).toBe(true);
      const resumed = await fetch(`${env.E2B_API_URL}/v2/sandboxes/${body.sandboxID}/connect`, { method: 'POST', headers: { 'X-API-Key': env.E2B_API_KEY } });
      expect(resumed.status).toBe(201);
      const after = await Sandbox.getInfo(body.sandboxID);
      expect(after.state).toBe('running');
      // The bad-request and unknown-sandbox answers carry E2B's JSON error body.
      const bad = await fetch(`${env.E2B_API_URL}/v2/sandboxes/${body.sandboxID}/connect`, { method: 'POST', headers, body: JSON.stringify({ memory: 'no' }) });
      expect(bad.status).toBe(400);
      expect(await bad.json()).toMatchObject({ code: 400, message: expect.any(String) });
      const missing = await fetch(`${env.E2B_API_URL}/v2/sandboxes/inotarealsandbox00000/connect`, { method: 'POST', headers, body: '{}' });
      expect(missing.status).toBe(404);
      expect(await missing.json()).toMatchObject({ code: 404, message: expect.any(String) });
    } finally {
      await Sandbox.kill(body.sandboxID);
    }
  });
});
