/**
 * Differential: our client runs the same scenarios as the official SDK (sandbox-scenarios.ts),
 * then both clients perform the same operations against one local backend and the results
 * are compared field by field: getInfo and list of the same sandboxes deep-equal, the same
 * booleans from pause/kill, the same error classes, the same metrics and snapshots.
 *
 * The official SDK reads the values of `e2b-ts local env` from process.env; our client gets
 * the same values as explicit connection options.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalBackend } from '../helpers/local-backend.js';
import { ourClient, sdkClient } from './clients.js';
import {
  defineSandboxScenarios,
  envdEnvs,
  itemsOf,
  METRIC_FIELDS,
  pagesOf,
  rejection,
  startLocalEnv,
  UNKNOWN_ID,
  type Client,
  type Handle,
  type Info,
  type ListOpts,
  type LocalEnv,
} from './sandbox-scenarios.js';

let backend: LocalBackend;
let env: LocalEnv;
let ours: Client;
const sdk = sdkClient;

beforeAll(async () => {
  ({ backend, env } = await startLocalEnv());
  ours = ourClient(env);
});
afterAll(async () => {
  await backend?.dispose();
});

const unique = () => randomUUID().slice(0, 8);

/** Our SandboxInfo minus diskSizeMB, which the official SDK does not expose. */
function comparable(info: Info): Info {
  const { diskSizeMB: _disk, ...rest } = info as Info & { diskSizeMB?: number };
  return rest;
}

/** The fields the acceptance names; both clients must report each of them. */
const CORE_FIELDS = ['sandboxId', 'templateId', 'name', 'metadata', 'startedAt', 'endAt', 'state', 'cpuCount', 'memoryMB', 'envdVersion'] as const;

function expectSameInfo(fromOurs: Info, fromSdk: Info): void {
  for (const key of CORE_FIELDS) {
    expect(fromOurs[key], `ours.${key}`).toBeDefined();
    expect(fromOurs[key], key).toEqual(fromSdk[key]);
  }
  // Beyond the core fields, everything both expose agrees too (lifecycle, allowInternetAccess, volumeMounts).
  expect(comparable(fromOurs)).toEqual(fromSdk);
}

/** Names of an error's class and its ancestors, e.g. SandboxNotFoundError → NotFoundError → SandboxError → Error. */
function classChain(error: Error): string[] {
  const names: string[] = [];
  for (let proto = Object.getPrototypeOf(error); proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
    names.push(proto.constructor.name);
  }
  return names;
}

/** What an operation came to, in a form comparable across clients. */
async function outcome(call: () => Promise<unknown>): Promise<unknown> {
  try {
    const value = await call();
    return value === undefined ? 'ok' : value;
  } catch (error) {
    return { throws: (error as Error).name, chain: classChain(error as Error) };
  }
}

/**
 * One fixed sequence of lifecycle operations, run by `operator` on a sandbox `creator` made.
 * The results are normalized (no IDs, times or tokens), so every pairing must give the same trace.
 */
async function lifecycleTrace(creator: Client, operator: Client): Promise<unknown[]> {
  const created = await creator.create(undefined, { metadata: { trace: 'lifecycle' }, envs: { TRACE: '1' } });
  const id = created.sandboxId;
  const h = await operator.connect(id);
  const trace: unknown[] = [];
  const step = async (label: string, call: () => Promise<unknown>) => trace.push([label, await outcome(call)]);
  await step('state', async () => (await operator.getInfo(id)).state);
  await step('isRunning', () => h.isRunning());
  await step('same token', async () => h.accessToken === created.accessToken);
  await step('setTimeout', () => h.setTimeout(600_000));
  await step('lifetime ≥ 10 min', async () => {
    const info = await h.getInfo();
    return info.endAt.getTime() - info.startedAt.getTime() >= 600_000;
  });
  await step('metrics keys', async () => [...new Set((await h.getMetrics()).map((m) => Object.keys(m).sort().join()))]);
  await step('pause', () => h.pause());
  await step('pause again', () => operator.pause(id));
  await step('state', async () => (await h.getInfo()).state);
  await step('isRunning', () => h.isRunning());
  await step('connect', async () => (await operator.connect(id)).sandboxId === id);
  await step('state', async () => (await operator.getInfo(id)).state);
  await step('isRunning', () => h.isRunning());
  await step('envs', async () => (await envdEnvs(env, h)).TRACE);
  await step('kill', () => h.kill());
  await step('kill again', () => h.kill());
  await step('kill static', () => operator.kill(id));
  await step('isRunning', () => h.isRunning());
  await step('getInfo', () => operator.getInfo(id));
  await step('connect', () => operator.connect(id));
  await step('pause', () => operator.pause(id));
  await step('setTimeout', () => operator.setTimeout(id, 60_000));
  await step('getMetrics', () => operator.getMetrics(id));
  await step('createSnapshot', () => operator.createSnapshot(id));
  return trace;
}

describe('our client runs the conformance scenarios', () => {
  defineSandboxScenarios(
    () => ours,
    () => env,
  );
});

describe('differential: the official SDK and our client, operation by operation', () => {
  it('the same lifecycle gives the same results, whichever client created or operates the sandbox', async () => {
    const reference = await lifecycleTrace(sdk, sdk);
    // Sanity: the reference trace is what E2B specifies.
    expect(Object.fromEntries(reference.slice(0, 3) as Array<[string, unknown]>)).toEqual({ state: 'running', isRunning: true, 'same token': true });
    expect(reference).toContainEqual(['pause', true]);
    expect(reference).toContainEqual(['pause again', false]);
    expect(reference).toContainEqual(['kill', true]);
    expect(reference).toContainEqual(['kill again', false]);
    expect(reference).toContainEqual([
      'getInfo',
      { throws: 'SandboxNotFoundError', chain: ['SandboxNotFoundError', 'NotFoundError', 'SandboxError', 'Error'] },
    ]);

    expect(await lifecycleTrace(ours, ours)).toEqual(reference);
    expect(await lifecycleTrace(sdk, ours)).toEqual(reference);
    expect(await lifecycleTrace(ours, sdk)).toEqual(reference);
  });

  it('the same create request gives sandboxes that differ only in identity and time', async () => {
    const request = { metadata: { diff: `create-${unique()}` }, envs: { DIFF_A: 'a', DIFF_B: 'b c' } };
    const a = await sdk.create(undefined, request);
    const b = await ours.create(undefined, request);
    try {
      for (const reader of [sdk, ours]) {
        const [ia, ib] = [await reader.getInfo(a.sandboxId), await reader.getInfo(b.sandboxId)];
        const strip = (i: Info) => {
          const { sandboxId: _id, startedAt, endAt, ...rest } = i;
          return { ...rest, lifetimeMs: endAt.getTime() - startedAt.getTime() };
        };
        expect(strip(ib)).toEqual(strip(ia));
      }
      // Both are secured, with tokens of the same shape, and envd holds the same variables.
      expect(typeof a.accessToken).toBe('string');
      expect(typeof b.accessToken).toBe('string');
      expect(b.accessToken!.length).toBe(a.accessToken!.length);
      const envsOf = async (h: Handle) => {
        const { E2B_SANDBOX_ID: sandboxId, ...rest } = await envdEnvs(env, h);
        expect(sandboxId).toBe(h.sandboxId);
        return rest;
      };
      expect(await envsOf(b)).toEqual(await envsOf(a));
    } finally {
      await Promise.all([a.kill(), b.kill()]);
    }
  });

  it('getInfo of the same sandbox is equal through both clients, running and paused', async () => {
    const h = await sdk.create(undefined, { metadata: { diff: `info-${unique()}`, other: 'x y' } });
    try {
      expectSameInfo(await ours.getInfo(h.sandboxId), await sdk.getInfo(h.sandboxId));
      const mine = await ours.connect(h.sandboxId);
      expectSameInfo(await mine.getInfo(), await h.getInfo());
      expect(await mine.pause()).toBe(true);
      const paused = await sdk.getInfo(h.sandboxId);
      expect(paused.state).toBe('paused');
      expectSameInfo(await ours.getInfo(h.sandboxId), paused);
      await ours.setTimeout(h.sandboxId, 1_200_000);
      expectSameInfo(await ours.getInfo(h.sandboxId), await sdk.getInfo(h.sandboxId));
    } finally {
      await h.kill();
    }
  });

  it('list: the same filters give the same sandboxes, pages and order through both clients', async () => {
    const tag = `diff-list-${unique()}`;
    const handles: Handle[] = [];
    for (let i = 0; i < 5; i++) {
      const creator = i % 2 ? ours : sdk;
      handles.push(await creator.create(undefined, { metadata: { tag, idx: String(i), kind: i < 2 ? 'a&b=c' : 'plain' } }));
    }
    try {
      expect(await ours.pause(handles[3].sandboxId)).toBe(true);
      const cases: ListOpts[] = [
        { query: { metadata: { tag } } },
        { query: { metadata: { tag } }, limit: 2 },
        { query: { metadata: { tag } }, limit: 2, order: 'asc' },
        { query: { metadata: { tag }, state: ['paused'] } },
        { query: { metadata: { tag }, state: ['running'] }, limit: 3 },
        { query: { metadata: { tag, kind: 'a&b=c' } } },
        { query: { metadata: { tag, kind: 'none' } } },
      ];
      for (const opts of cases) {
        const [fromSdk, fromOurs] = [await pagesOf(sdk.list(opts)), await pagesOf(ours.list(opts))];
        const label = JSON.stringify(opts);
        expect(
          fromOurs.map((p) => p.map((s) => s.sandboxId)),
          label,
        ).toEqual(fromSdk.map((p) => p.map((s) => s.sandboxId)));
        fromOurs.flat().forEach((item, i) => {
          expect(comparable(item), label).toEqual(fromSdk.flat()[i]);
        });
      }
      // The cases above are not vacuous.
      expect((await itemsOf(sdk.list(cases[0]))).length).toBe(5);
      expect((await pagesOf(sdk.list(cases[1]))).map((p) => p.length)).toEqual([2, 2, 1]);
      expect((await itemsOf(sdk.list(cases[3]))).map((s) => s.sandboxId)).toEqual([handles[3].sandboxId]);
      expect((await itemsOf(sdk.list(cases[5]))).length).toBe(2);
    } finally {
      await Promise.all(handles.map((h) => h.kill()));
    }
  });

  it('unknown sandboxes: both clients throw SandboxNotFoundError of the same class tree; kill and deleteSnapshot answer false', async () => {
    const run = (c: Client) =>
      Promise.all([
        outcome(() => c.getInfo(UNKNOWN_ID)),
        outcome(() => c.connect(UNKNOWN_ID)),
        outcome(() => c.pause(UNKNOWN_ID)),
        outcome(() => c.setTimeout(UNKNOWN_ID, 60_000)),
        outcome(() => c.getMetrics(UNKNOWN_ID)),
        outcome(() => c.createSnapshot(UNKNOWN_ID)),
        outcome(() => c.kill(UNKNOWN_ID)),
        outcome(() => c.deleteSnapshot('nosuchsnapshot000000')),
      ]);
    const [fromSdk, fromOurs] = [await run(sdk), await run(ours)];
    expect(fromOurs).toEqual(fromSdk);
    const notFound = { throws: 'SandboxNotFoundError', chain: ['SandboxNotFoundError', 'NotFoundError', 'SandboxError', 'Error'] };
    expect(fromSdk).toEqual([notFound, notFound, notFound, notFound, notFound, notFound, false, false]);
  });

  it('a wrong API key: both throw AuthenticationError', async () => {
    const key = `e2b_${'0'.repeat(40)}`;
    const [a, b] = [await rejection(sdk.listWithApiKey(key).nextItems()), await rejection(ours.listWithApiKey(key).nextItems())];
    expect(a.name).toBe('AuthenticationError');
    expect(b.name).toBe(a.name);
  });

  it('metrics of the same sandbox: same fields and static values; the same range gives the same samples', async () => {
    const h = await sdk.create();
    try {
      const info = await sdk.getInfo(h.sandboxId);
      const [fromSdk, fromOurs] = [await sdk.getMetrics(h.sandboxId), await ours.getMetrics(h.sandboxId)];
      expect(fromSdk.length).toBeGreaterThan(0);
      expect(fromOurs.length).toBeGreaterThan(0);
      for (const m of [...fromSdk, ...fromOurs]) {
        expect(Object.keys(m).sort()).toEqual(METRIC_FIELDS);
        expect(m.timestamp).toBeInstanceOf(Date);
        expect({ cpuCount: m.cpuCount, memTotal: m.memTotal, diskTotal: m.diskTotal }).toEqual({
          cpuCount: fromSdk[0].cpuCount,
          memTotal: fromSdk[0].memTotal,
          diskTotal: fromSdk[0].diskTotal,
        });
      }
      expect(fromSdk[0].cpuCount).toBe(info.cpuCount);

      // A range that lies wholly in the past cannot gain samples between the two calls, so both
      // clients must get the very same ones. Its bounds fall mid-second on purpose: the official
      // SDK rounds them to whole seconds, and ours must send the same. (The latest bound below
      // is second first+2; once that second is over, no sample can join the range.)
      const first = fromSdk[0].timestamp.getTime();
      while (Date.now() < first + 3_000) await new Promise((r) => setTimeout(r, 100));
      for (const range of [
        { start: new Date(first + 600), end: new Date(first + 1_600) },
        { start: new Date(first - 400), end: new Date(first + 400) },
        { start: new Date(first - 600), end: new Date(first + 600) },
      ]) {
        const viaSdk = await sdk.getMetrics(h.sandboxId, range);
        expect(await ours.getMetrics(h.sandboxId, range), JSON.stringify(range)).toEqual(viaSdk);
        expect(await h.getMetrics(range)).toEqual(viaSdk);
      }
      expect(await ours.getMetrics(h.sandboxId, { start: new Date(first - 600), end: new Date(first + 600) })).toContainEqual(fromSdk[0]);
    } finally {
      await h.kill();
    }
  });

  it('snapshots made by either client are listed, used and deleted the same way by the other', async () => {
    const source = await ours.create(undefined, { metadata: { diff: 'snapshot-source' } });
    const created: Handle[] = [];
    try {
      const name = `diff-snap-${unique()}`;
      const bySdk = await sdk.createSnapshot(source.sandboxId, { name });
      const byOurs = await ours.createSnapshot(source.sandboxId, { name: `${name}-2` });
      expect(byOurs.names.map((n) => n.replace(`${name}-2`, name))).toEqual(bySdk.names);

      for (const opts of [{ sandboxId: source.sandboxId }, { sandboxId: source.sandboxId, limit: 1 }, {}]) {
        const [a, b] = [await pagesOf(sdk.listSnapshots(opts)), await pagesOf(ours.listSnapshots(opts))];
        expect(b, JSON.stringify(opts)).toEqual(a);
      }
      expect((await itemsOf(sdk.listSnapshots({ sandboxId: source.sandboxId }))).map((s) => s.snapshotId).sort()).toEqual(
        [bySdk.snapshotId, byOurs.snapshotId].sort(),
      );

      // A sandbox started from the other client's snapshot looks the same through both.
      const fromOursSnap = await sdk.create(byOurs.snapshotId);
      const fromSdkSnap = await ours.create(bySdk.snapshotId);
      created.push(fromOursSnap, fromSdkSnap);
      for (const h of created) expectSameInfo(await ours.getInfo(h.sandboxId), await sdk.getInfo(h.sandboxId));
      expect((await sdk.getInfo(fromOursSnap.sandboxId)).state).toBe('running');
      expect((await ours.getInfo(fromSdkSnap.sandboxId)).state).toBe('running');

      expect([await ours.deleteSnapshot(bySdk.snapshotId), await sdk.deleteSnapshot(bySdk.snapshotId)]).toEqual([true, false]);
      expect([await sdk.deleteSnapshot(byOurs.snapshotId), await ours.deleteSnapshot(byOurs.snapshotId)]).toEqual([true, false]);
      expect(await pagesOf(ours.listSnapshots({ sandboxId: source.sandboxId }))).toEqual(await pagesOf(sdk.listSnapshots({ sandboxId: source.sandboxId })));
    } finally {
      await Promise.all([source, ...created].map((h) => h.kill()));
    }
  });
});
