/**
 * The two client libraries under test, behind the scenarios' `Client` interface: the official
 * `e2b` SDK (configured through process.env, its documented route) and our own client
 * (configured with explicit connection options from the same `e2b-ts local env` values).
 */
import * as e2b from 'e2b';
import * as ours from '../../src/index.js';
import type { Client, Handle, LocalEnv } from './sandbox-scenarios.js';

/**
 * The SDK keeps the envd access token on a `protected` field; it is an ordinary property at
 * run time, and reading it lets the tests check envd's token enforcement directly.
 */
function sdkHandle(sandbox: e2b.Sandbox): Handle {
  return {
    sandboxId: sandbox.sandboxId,
    accessToken: (sandbox as unknown as { envdAccessToken?: string }).envdAccessToken,
    getInfo: () => sandbox.getInfo(),
    isRunning: () => sandbox.isRunning(),
    setTimeout: (ms) => sandbox.setTimeout(ms),
    pause: () => sandbox.pause(),
    kill: () => sandbox.kill(),
    getMetrics: (range = {}) => sandbox.getMetrics(range),
    createSnapshot: (opts = {}) => sandbox.createSnapshot(opts),
  };
}

/** The official SDK; it reads E2B_API_URL, E2B_SANDBOX_URL and E2B_API_KEY from process.env. */
export const sdkClient: Client = {
  label: 'official e2b SDK',
  errors: {
    SandboxNotFoundError: e2b.SandboxNotFoundError,
    NotFoundError: e2b.NotFoundError,
    SandboxError: e2b.SandboxError,
    AuthenticationError: e2b.AuthenticationError,
  },
  create: async (template, opts = {}) => sdkHandle(template ? await e2b.Sandbox.create(template, opts) : await e2b.Sandbox.create(opts)),
  connect: async (id, opts = {}) => sdkHandle(await e2b.Sandbox.connect(id, opts)),
  list: (opts = {}) => e2b.Sandbox.list(opts),
  getInfo: (id) => e2b.Sandbox.getInfo(id),
  kill: (id) => e2b.Sandbox.kill(id),
  pause: (id) => e2b.Sandbox.pause(id),
  setTimeout: (id, ms) => e2b.Sandbox.setTimeout(id, ms),
  getMetrics: (id, range = {}) => e2b.Sandbox.getMetrics(id, range),
  createSnapshot: (id, opts = {}) => e2b.Sandbox.createSnapshot(id, opts),
  listSnapshots: (opts = {}) => e2b.Sandbox.listSnapshots(opts),
  deleteSnapshot: (id) => e2b.Sandbox.deleteSnapshot(id),
  listWithApiKey: (apiKey) => e2b.Sandbox.list({ apiKey }),
};

function ourHandle(sandbox: ours.Sandbox): Handle {
  return {
    sandboxId: sandbox.sandboxId,
    accessToken: sandbox.envdAccessToken,
    getInfo: () => sandbox.getInfo(),
    isRunning: () => sandbox.isRunning(),
    setTimeout: (ms) => sandbox.setTimeout(ms),
    pause: () => sandbox.pause(),
    kill: () => sandbox.kill(),
    getMetrics: (range = {}) => sandbox.getMetrics(range),
    createSnapshot: (opts = {}) => sandbox.createSnapshot(opts),
  };
}

/** Our client, given the connection explicitly (apiKey, apiUrl, sandboxUrl). */
export function ourClient(env: LocalEnv): Client {
  const conn: ours.ConnectionOptions = { apiKey: env.E2B_API_KEY, apiUrl: env.E2B_API_URL, sandboxUrl: env.E2B_SANDBOX_URL };
  const S = ours.Sandbox;
  return {
    label: 'e2b-ts client',
    errors: {
      SandboxNotFoundError: ours.SandboxNotFoundError,
      NotFoundError: ours.NotFoundError,
      SandboxError: ours.SandboxError,
      AuthenticationError: ours.AuthenticationError,
    },
    create: async (template, opts = {}) => ourHandle(await S.create(template ?? 'base', { ...conn, ...opts })),
    connect: async (id, opts = {}) => ourHandle(await S.connect(id, { ...conn, ...opts })),
    list: (opts = {}) => S.list({ ...conn, ...opts }),
    getInfo: (id) => S.getInfo(id, conn),
    kill: (id) => S.kill(id, conn),
    pause: (id) => S.pause(id, conn),
    setTimeout: (id, ms) => S.setTimeout(id, ms, conn),
    getMetrics: (id, range = {}) => S.getMetrics(id, { ...conn, ...range }),
    createSnapshot: (id, opts = {}) => S.createSnapshot(id, { ...conn, ...opts }),
    listSnapshots: (opts = {}) => S.listSnapshots({ ...conn, ...opts }),
    deleteSnapshot: (id) => S.deleteSnapshot(id, conn),
    listWithApiKey: (apiKey) => S.list({ ...conn, apiKey }),
  };
}
