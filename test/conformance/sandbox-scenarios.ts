/**
 * The sandbox lifecycle scenarios of the conformance suite, written once against a small
 * "client under test" interface so the official `e2b` SDK (sandbox-sdk.test.ts) and our own
 * client (sandbox-differential.test.ts) run literally the same operations and assertions.
 *
 * What the assertions expect is E2B Cloud's behaviour as the protocol reference describes it:
 * 201/204/409 semantics surfacing as booleans, SandboxNotFoundError for unknown IDs, `false`
 * from killing a killed sandbox, X-Next-Token paging, the triple-encoded metadata filter.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { ENVD_VERSION } from '../../src/local/envd/config.js';
import { runCli } from '../helpers/cli.js';
import { startLocalBackend, type LocalBackend } from '../helpers/local-backend.js';

/** What `e2b-ts local env --json` prints: the values that point an SDK at the local backend. */
export interface LocalEnv {
  E2B_API_URL: string;
  E2B_SANDBOX_URL: string;
  E2B_VOLUME_API_URL: string;
  E2B_API_KEY: string;
}

/** Reads the backend's connection values the way a user does: `e2b-ts local env --json`. */
export async function localEnv(backend: LocalBackend): Promise<LocalEnv> {
  const res = await runCli(['local', 'env', '--json'], { env: { E2B_TS_HOME: backend.home } });
  if (res.code !== 0) throw new Error(`e2b-ts local env failed (${res.code}): ${res.stderr}`);
  const env = JSON.parse(res.stdout) as LocalEnv;
  expect(env).toEqual({ E2B_API_URL: backend.url, E2B_SANDBOX_URL: backend.url, E2B_VOLUME_API_URL: backend.url, E2B_API_KEY: backend.apiKey });
  return env;
}

/** Points process.env (which the official SDK reads) at the backend, and only at it. */
export function useLocalEnv(env: LocalEnv): void {
  for (const key of Object.keys(process.env)) if (key.startsWith('E2B_')) delete process.env[key];
  Object.assign(process.env, env);
}

/** Starts a local backend and points the official SDK at it by the values of `e2b-ts local env`. */
export async function startLocalEnv(): Promise<{ backend: LocalBackend; env: LocalEnv }> {
  const backend = await startLocalBackend();
  const env = await localEnv(backend);
  useLocalEnv(env);
  return { backend, env };
}

export interface Info {
  sandboxId: string;
  templateId: string;
  name?: string;
  metadata: Record<string, string>;
  startedAt: Date;
  endAt: Date;
  state: 'running' | 'paused';
  cpuCount: number;
  memoryMB: number;
  envdVersion: string;
}

export interface Metrics {
  timestamp: Date;
  cpuUsedPct: number;
  cpuCount: number;
  memUsed: number;
  memTotal: number;
  memCache: number;
  diskUsed: number;
  diskTotal: number;
}

export interface Snapshot {
  snapshotId: string;
  names: string[];
}

export interface Pager<T> {
  readonly hasNext: boolean;
  nextItems(): Promise<T[]>;
}

export interface MetricsRange {
  start?: Date;
  end?: Date;
}

/** A connected sandbox (what create and connect return). */
export interface Handle {
  sandboxId: string;
  /** The envd access token the client holds for this sandbox. */
  accessToken: string | undefined;
  getInfo(): Promise<Info>;
  isRunning(): Promise<boolean>;
  setTimeout(timeoutMs: number): Promise<void>;
  pause(): Promise<boolean>;
  kill(): Promise<boolean>;
  getMetrics(range?: MetricsRange): Promise<Metrics[]>;
  createSnapshot(opts?: { name?: string }): Promise<Snapshot>;
}

export interface CreateOpts {
  metadata?: Record<string, string>;
  envs?: Record<string, string>;
  timeoutMs?: number;
}

export interface ListOpts {
  query?: { metadata?: Record<string, string>; state?: Array<'running' | 'paused'> };
  order?: 'asc' | 'desc';
  limit?: number;
}

type ErrorClass = abstract new (message: string) => Error;

/** The operations of one client library, bound to the local backend. */
export interface Client {
  label: string;
  errors: { SandboxNotFoundError: ErrorClass; NotFoundError: ErrorClass; SandboxError: ErrorClass; AuthenticationError: ErrorClass };
  create(template?: string, opts?: CreateOpts): Promise<Handle>;
  connect(sandboxId: string, opts?: { timeoutMs?: number }): Promise<Handle>;
  list(opts?: ListOpts): Pager<Info>;
  getInfo(sandboxId: string): Promise<Info>;
  kill(sandboxId: string): Promise<boolean>;
  pause(sandboxId: string): Promise<boolean>;
  setTimeout(sandboxId: string, timeoutMs: number): Promise<void>;
  getMetrics(sandboxId: string, range?: MetricsRange): Promise<Metrics[]>;
  createSnapshot(sandboxId: string, opts?: { name?: string }): Promise<Snapshot>;
  listSnapshots(opts?: { sandboxId?: string; limit?: number }): Pager<Snapshot>;
  deleteSnapshot(snapshotId: string): Promise<boolean>;
  /** A sandbox list made with another API key. */
  listWithApiKey(apiKey: string): Pager<Info>;
}

/** Every page of a paginator, fetched the documented way (`while (p.hasNext) p.nextItems()`). */
export async function pagesOf<T>(pager: Pager<T>): Promise<T[][]> {
  const pages: T[][] = [];
  while (pager.hasNext) {
    pages.push(await pager.nextItems());
    if (pages.length > 50) throw new Error('the paginator did not end');
  }
  return pages;
}

export async function itemsOf<T>(pager: Pager<T>): Promise<T[]> {
  return (await pagesOf(pager)).flat();
}

/** A GET to the sandbox's envd through E2B_SANDBOX_URL, routed by header as the SDKs do. */
export async function envdGet(env: LocalEnv, sandboxId: string, path: string, accessToken?: string): Promise<Response> {
  const headers: Record<string, string> = { 'E2b-Sandbox-Id': sandboxId, 'E2b-Sandbox-Port': '49983' };
  if (accessToken) headers['X-Access-Token'] = accessToken;
  return fetch(`${env.E2B_SANDBOX_URL}${path}`, { headers });
}

/** The sandbox-wide environment variables envd holds (`GET /envs`). */
export async function envdEnvs(env: LocalEnv, handle: Handle): Promise<Record<string, string>> {
  const res = await envdGet(env, handle.sandboxId, '/envs', handle.accessToken);
  expect(res.status).toBe(200);
  return (await res.json()) as Record<string, string>;
}

/** The error a promise rejects with (fails when it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the call to fail, but it succeeded');
}

export const METRIC_FIELDS = ['cpuCount', 'cpuUsedPct', 'diskTotal', 'diskUsed', 'memCache', 'memTotal', 'memUsed', 'timestamp'];

export function expectMetricSample(m: Metrics, info: Info): void {
  expect(Object.keys(m).sort()).toEqual(METRIC_FIELDS);
  expect(m.timestamp).toBeInstanceOf(Date);
  expect(Number.isNaN(m.timestamp.getTime())).toBe(false);
  expect(m.timestamp.getTime()).toBeGreaterThanOrEqual(Math.floor(info.startedAt.getTime() / 1000) * 1000);
  for (const key of ['cpuUsedPct', 'cpuCount', 'memUsed', 'memTotal', 'memCache', 'diskUsed', 'diskTotal'] as const) {
    expect(typeof m[key], key).toBe('number');
    expect(Number.isFinite(m[key]), key).toBe(true);
    expect(m[key], key).toBeGreaterThanOrEqual(0);
  }
  expect(m.cpuCount).toBe(info.cpuCount);
  expect(m.cpuUsedPct).toBeLessThanOrEqual(100);
  expect(m.memTotal).toBeGreaterThan(0);
  expect(m.memUsed).toBeLessThanOrEqual(m.memTotal);
  expect(m.diskTotal).toBeGreaterThan(0);
}

const unique = () => randomUUID().slice(0, 8);
/** An ID in the valid shape that no sandbox has. */
export const UNKNOWN_ID = 'inotarealsandbox00000';

/**
 * Registers the scenarios for one client. `client()` and `env()` are read when the tests run
 * (the backend starts in the caller's beforeAll).
 */
export function defineSandboxScenarios(client: () => Client, env: () => LocalEnv): void {
  const leftovers: Handle[] = [];
  const track = (h: Handle) => {
    leftovers.push(h);
    return h;
  };
  afterAll(async () => {
    await Promise.all(leftovers.map((h) => h.kill().catch(() => false)));
  });

  describe('create and getInfo', () => {
    it('creates a sandbox with metadata and envs; getInfo reports them', async () => {
      const c = client();
      const metadata = { suite: 'conformance', case: `create-${unique()}` };
      const h = track(await c.create(undefined, { metadata, envs: { CONF_A: '1', CONF_SPACES: 'two words' } }));
      expect(h.sandboxId).toMatch(/^[a-z0-9]+$/);

      const info = await h.getInfo();
      expect(info).toMatchObject({ sandboxId: h.sandboxId, name: 'base', metadata, state: 'running', envdVersion: ENVD_VERSION });
      expect(info.templateId).toMatch(/^[a-z0-9]+$/);
      expect(info.cpuCount).toBeGreaterThan(0);
      expect(info.memoryMB).toBeGreaterThan(0);
      expect(info.startedAt).toBeInstanceOf(Date);
      // The default lifetime is five minutes.
      expect(info.endAt.getTime() - info.startedAt.getTime()).toBe(300_000);
      // The static form answers the same.
      expect(await c.getInfo(h.sandboxId)).toEqual(info);
    });

    it('secures envd by default: the envs are visible with the access token, refused without it', async () => {
      const c = client();
      const h = track(await c.create(undefined, { envs: { CONF_A: '1', CONF_SPACES: 'two words' } }));
      expect(typeof h.accessToken).toBe('string');
      expect(h.accessToken!.length).toBeGreaterThan(0);

      const envs = await envdEnvs(env(), h);
      expect(envs).toMatchObject({ CONF_A: '1', CONF_SPACES: 'two words', E2B_SANDBOX: 'true', E2B_SANDBOX_ID: h.sandboxId });

      const refused = await envdGet(env(), h.sandboxId, '/envs');
      expect(refused.status).toBe(401);
      // /health needs no token.
      expect((await envdGet(env(), h.sandboxId, '/health')).status).toBe(204);
    });

    it('a create with timeoutMs gets exactly that lifetime', async () => {
      const h = track(await client().create(undefined, { timeoutMs: 90_000 }));
      const info = await h.getInfo();
      expect(info.endAt.getTime() - info.startedAt.getTime()).toBe(90_000);
    });
  });

  describe('list', () => {
    const odd = 'odd & spaced=/é%';
    let tag: string;
    let handles: Handle[] = [];
    const ids = () => handles.map((h) => h.sandboxId);

    it('pages with limit 2 over 5 sandboxes: 2, 2, 1, no duplicates, then no next page', async () => {
      const c = client();
      tag = `list-${unique()}`;
      handles = [];
      for (let i = 0; i < 5; i++) {
        handles.push(track(await c.create(undefined, { metadata: { tag, idx: String(i), parity: i % 2 ? odd : 'even' } })));
      }
      const pager = c.list({ query: { metadata: { tag } }, limit: 2 });
      expect(pager.hasNext).toBe(true);
      const pages = await pagesOf(pager);
      expect(pages.map((p) => p.length)).toEqual([2, 2, 1]);
      const listed = pages.flat();
      expect(new Set(listed.map((s) => s.sandboxId)).size).toBe(5);
      expect(listed.map((s) => s.sandboxId).sort()).toEqual([...ids()].sort());
      expect(pager.hasNext).toBe(false);
      await expect(pager.nextItems()).rejects.toThrow();

      // Newest first across pages (the default order), and each item is complete.
      for (let i = 1; i < listed.length; i++) {
        expect(listed[i - 1].startedAt.getTime()).toBeGreaterThanOrEqual(listed[i].startedAt.getTime());
      }
      for (const item of listed) {
        const idx = ids().indexOf(item.sandboxId);
        expect(item).toMatchObject({
          metadata: { tag, idx: String(idx), parity: idx % 2 ? odd : 'even' },
          state: 'running',
          envdVersion: ENVD_VERSION,
          name: 'base',
        });
        expect(item.cpuCount).toBeGreaterThan(0);
        expect(item.memoryMB).toBeGreaterThan(0);
      }
    });

    it('orders oldest first with order asc', async () => {
      const listed = await itemsOf(client().list({ query: { metadata: { tag } }, order: 'asc', limit: 3 }));
      expect(listed.map((s) => s.sandboxId).sort()).toEqual([...ids()].sort());
      for (let i = 1; i < listed.length; i++) {
        expect(listed[i - 1].startedAt.getTime()).toBeLessThanOrEqual(listed[i].startedAt.getTime());
      }
    });

    it('filters by metadata: every pair must match, values with & = / % and spaces included', async () => {
      const c = client();
      const idsOf = async (metadata: Record<string, string>) => (await itemsOf(c.list({ query: { metadata } }))).map((s) => s.sandboxId).sort();
      expect(await idsOf({ tag, parity: 'even' })).toEqual([ids()[0], ids()[2], ids()[4]].sort());
      expect(await idsOf({ tag, parity: odd })).toEqual([ids()[1], ids()[3]].sort());
      expect(await idsOf({ tag, idx: '3', parity: odd })).toEqual([ids()[3]]);
      expect(await idsOf({ tag, idx: '3', parity: 'even' })).toEqual([]);
      expect(await idsOf({ tag: `${tag}-nope` })).toEqual([]);
    });

    it('filters by state: the paused one alone, the running ones, both by default', async () => {
      const c = client();
      expect(await handles[1].pause()).toBe(true);
      const paused = await itemsOf(c.list({ query: { metadata: { tag }, state: ['paused'] } }));
      expect(paused.map((s) => [s.sandboxId, s.state])).toEqual([[ids()[1], 'paused']]);

      const running = await itemsOf(c.list({ query: { metadata: { tag }, state: ['running'] } }));
      expect(running.map((s) => s.sandboxId).sort()).toEqual(
        ids()
          .filter((_, i) => i !== 1)
          .sort(),
      );
      expect(running.every((s) => s.state === 'running')).toBe(true);

      const both = await itemsOf(c.list({ query: { metadata: { tag }, state: ['running', 'paused'] } }));
      expect(both).toHaveLength(5);
      const byDefault = await itemsOf(c.list({ query: { metadata: { tag } } }));
      expect(byDefault.map((s) => s.sandboxId).sort()).toEqual([...ids()].sort());
    });

    it('no longer lists killed sandboxes', async () => {
      const c = client();
      expect(await c.kill(ids()[0])).toBe(true);
      const listed = await itemsOf(c.list({ query: { metadata: { tag } } }));
      expect(listed.map((s) => s.sandboxId).sort()).toEqual(ids().slice(1).sort());
    });
  });

  describe('setTimeout', () => {
    it('sets the end to now + timeout, extending or shortening it', async () => {
      const c = client();
      const h = track(await c.create(undefined, { timeoutMs: 120_000 }));
      const before = await h.getInfo();

      let t0 = Date.now();
      await h.setTimeout(600_000);
      let t1 = Date.now();
      const longer = await h.getInfo();
      expect(longer.startedAt).toEqual(before.startedAt);
      expect(longer.endAt.getTime()).toBeGreaterThan(before.endAt.getTime());
      expect(longer.endAt.getTime()).toBeGreaterThanOrEqual(t0 + 600_000 - 1000);
      expect(longer.endAt.getTime()).toBeLessThanOrEqual(t1 + 600_000 + 1000);

      t0 = Date.now();
      await c.setTimeout(h.sandboxId, 60_000);
      t1 = Date.now();
      const shorter = await c.getInfo(h.sandboxId);
      expect(shorter.endAt.getTime()).toBeLessThan(longer.endAt.getTime());
      expect(shorter.endAt.getTime()).toBeGreaterThanOrEqual(t0 + 60_000 - 1000);
      expect(shorter.endAt.getTime()).toBeLessThanOrEqual(t1 + 60_000 + 1000);
      expect(shorter.state).toBe('running');
    });
  });

  describe('pause and connect', () => {
    it('pause answers true, then false when already paused; the sandbox is paused and not running', async () => {
      const c = client();
      const h = track(await c.create(undefined, { envs: { RESUME_CHECK: 'yes' } }));
      expect(await h.isRunning()).toBe(true);
      expect(await h.pause()).toBe(true);
      expect(await h.pause()).toBe(false);
      expect(await c.pause(h.sandboxId)).toBe(false);
      const paused = await c.getInfo(h.sandboxId);
      expect(paused.state).toBe('paused');
      expect(await h.isRunning()).toBe(false);

      // Sandbox.connect resumes it with the same ID, access token and envs.
      const resumed = await c.connect(h.sandboxId, { timeoutMs: 600_000 });
      expect(resumed.sandboxId).toBe(h.sandboxId);
      expect(resumed.accessToken).toBe(h.accessToken);
      const info = await resumed.getInfo();
      expect(info.state).toBe('running');
      expect(info.endAt.getTime() - info.startedAt.getTime()).toBeGreaterThan(300_000);
      expect(await resumed.isRunning()).toBe(true);
      expect(await h.isRunning()).toBe(true);
      expect((await envdEnvs(env(), resumed)).RESUME_CHECK).toBe('yes');

      // Connecting to a running sandbox never shortens its lifetime.
      const again = await c.connect(h.sandboxId, { timeoutMs: 30_000 });
      expect(again.sandboxId).toBe(h.sandboxId);
      expect((await c.getInfo(h.sandboxId)).endAt).toEqual(info.endAt);

      // And it can be paused and resumed again.
      expect(await c.pause(h.sandboxId)).toBe(true);
      await c.connect(h.sandboxId);
      expect((await h.getInfo()).state).toBe('running');
      expect(await h.isRunning()).toBe(true);
    });
  });

  describe('getMetrics', () => {
    it('returns samples with every SandboxMetrics field', async () => {
      const c = client();
      const h = track(await c.create());
      const info = await h.getInfo();
      const metrics = await h.getMetrics();
      expect(metrics.length).toBeGreaterThan(0);
      for (const m of metrics) expectMetricSample(m, info);
      const viaStatic = await c.getMetrics(h.sandboxId);
      expect(viaStatic.length).toBeGreaterThan(0);
      for (const m of viaStatic) expectMetricSample(m, info);
      // A range that ends before the sandbox started holds no samples.
      expect(
        await c.getMetrics(h.sandboxId, { start: new Date(info.startedAt.getTime() - 120_000), end: new Date(info.startedAt.getTime() - 60_000) }),
      ).toEqual([]);
    });
  });

  describe('snapshots', () => {
    it('createSnapshot, listSnapshots, create from a snapshot, deleteSnapshot', async () => {
      const c = client();
      const source = track(await c.create(undefined, { metadata: { case: 'snapshot-source' } }));
      const sourceInfo = await source.getInfo();
      const name = `conf-snap-${unique()}`;

      const named = await source.createSnapshot({ name });
      expect(named.names).toHaveLength(1);
      expect(named.names[0]).toMatch(new RegExp(`^[a-z0-9-_]+/${name}:default$`));
      expect(named.snapshotId).toBe(named.names[0]);
      const unnamed = await c.createSnapshot(source.sandboxId);
      expect(typeof unnamed.snapshotId).toBe('string');
      expect(unnamed.snapshotId.length).toBeGreaterThan(0);
      expect(unnamed.snapshotId).not.toBe(named.snapshotId);
      expect(Array.isArray(unnamed.names)).toBe(true);
      // The sandbox keeps running once its snapshot is taken.
      expect((await source.getInfo()).state).toBe('running');

      const ofSource = await itemsOf(c.listSnapshots({ sandboxId: source.sandboxId }));
      expect(ofSource.map((s) => s.snapshotId).sort()).toEqual([named.snapshotId, unnamed.snapshotId].sort());
      expect(ofSource.find((s) => s.snapshotId === named.snapshotId)).toEqual(named);
      const paged = await pagesOf(c.listSnapshots({ sandboxId: source.sandboxId, limit: 1 }));
      expect(paged.map((p) => p.length)).toEqual([1, 1]);
      expect(
        paged
          .flat()
          .map((s) => s.snapshotId)
          .sort(),
      ).toEqual(ofSource.map((s) => s.snapshotId).sort());
      const all = (await itemsOf(c.listSnapshots())).map((s) => s.snapshotId);
      expect(all).toEqual(expect.arrayContaining([named.snapshotId, unnamed.snapshotId]));

      // Snapshots outlive their sandbox, and new sandboxes start from them.
      expect(await source.kill()).toBe(true);
      for (const snapshot of [named, unnamed]) {
        const child = track(await c.create(snapshot.snapshotId));
        const info = await child.getInfo();
        expect(info.state).toBe('running');
        expect(info.templateId).not.toBe(sourceInfo.templateId);
        expect(await child.isRunning()).toBe(true);
        expect(await child.kill()).toBe(true);
      }
      expect((await itemsOf(c.listSnapshots({ sandboxId: source.sandboxId }))).length).toBe(2);

      expect(await c.deleteSnapshot(named.snapshotId)).toBe(true);
      expect(await c.deleteSnapshot(named.snapshotId)).toBe(false);
      expect((await itemsOf(c.listSnapshots({ sandboxId: source.sandboxId }))).map((s) => s.snapshotId)).toEqual([unnamed.snapshotId]);
      expect(await c.deleteSnapshot(unnamed.snapshotId)).toBe(true);
      expect(await itemsOf(c.listSnapshots({ sandboxId: source.sandboxId }))).toEqual([]);
    });
  });

  describe('kill and errors', () => {
    it('isRunning is true, kill answers true, then isRunning false and kill false', async () => {
      const c = client();
      const h = await c.create();
      expect(await h.isRunning()).toBe(true);
      expect(await h.kill()).toBe(true);
      expect(await h.isRunning()).toBe(false);
      expect(await h.kill()).toBe(false);
      expect(await c.kill(h.sandboxId)).toBe(false);
    });

    it('every operation on a killed or unknown sandbox throws SandboxNotFoundError (kill and deleteSnapshot answer false)', async () => {
      const c = client();
      const killed = await c.create();
      expect(await killed.kill()).toBe(true);
      for (const id of [killed.sandboxId, UNKNOWN_ID]) {
        const calls: Array<[string, () => Promise<unknown>]> = [
          ['getInfo', () => c.getInfo(id)],
          ['connect', () => c.connect(id)],
          ['pause', () => c.pause(id)],
          ['setTimeout', () => c.setTimeout(id, 60_000)],
          ['getMetrics', () => c.getMetrics(id)],
          ['createSnapshot', () => c.createSnapshot(id)],
        ];
        for (const [what, call] of calls) {
          const error = await rejection(call());
          expect(error, `${what}(${id})`).toBeInstanceOf(c.errors.SandboxNotFoundError);
          expect(error, `${what}(${id})`).toBeInstanceOf(c.errors.NotFoundError);
          expect(error, `${what}(${id})`).toBeInstanceOf(c.errors.SandboxError);
          expect(error.name).toBe('SandboxNotFoundError');
        }
        expect(await c.kill(id)).toBe(false);
      }
      expect(await c.deleteSnapshot('nosuchsnapshot000000')).toBe(false);
      const listed = await itemsOf(c.list());
      expect(listed.map((s) => s.sandboxId)).not.toContain(killed.sandboxId);
    });

    it('a wrong API key is refused with AuthenticationError', async () => {
      const c = client();
      const error = await rejection(c.listWithApiKey(`e2b_${'0'.repeat(40)}`).nextItems());
      expect(error).toBeInstanceOf(c.errors.AuthenticationError);
      expect(error.name).toBe('AuthenticationError');
    });
  });
}
