/**
 * The lifecycle of a local sandbox (src/local/daemon/lifecycle.ts and the SandboxManager that
 * uses it): every transition of the table is allowed and persisted before it is reported,
 * every other one throws; failure paths leave disk and memory in agreement; envd's death is a
 * reboot; the daemon's start-up repairs what a dead daemon left. Time is a fake clock and the
 * runtime a fake one: nothing here waits on a real timeout or starts a real process.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../src/local/daemon/http.js';
import { identifyProcess, removeUploadTemps, stillRunning, type ProcessIdentity } from '../../src/local/daemon/leftovers.js';
import {
  describeExit,
  IllegalTransitionError,
  Lifecycle,
  LIFECYCLE_EVENTS,
  mayRestart,
  nextState,
  SANDBOX_STATES,
  TRANSITIONS,
  wireState,
  type LifecycleEvent,
  type RecordStore,
  type SandboxState,
} from '../../src/local/daemon/lifecycle.js';
import { SandboxManager, SandboxUnavailableError, type SandboxRecord } from '../../src/local/daemon/sandboxes.js';
import { TemplateStore } from '../../src/local/daemon/templates.js';
import { statePaths, type StatePaths } from '../../src/local/paths.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { deferred, FakeRuntime } from '../helpers/fake-runtime.js';
import { sandboxFolder } from '../helpers/local-backend.js';

/** Lets every pending promise callback run (no timers involved). */
async function drain(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((r) => setImmediate(r));
}

/** Waits until `check` holds: for the manager's file writes to land, never for a lifetime. */
async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 5000 && !check(); i++) await new Promise((r) => setTimeout(r, 1));
  expect(check()).toBe(true);
}

interface Rec {
  sandboxID: string;
  state: SandboxState;
  note?: string;
}

/** A store that logs every write, optionally held until the test lets it go. */
function orderStore(order: string[], gate?: Promise<void>): RecordStore<Rec> {
  return {
    async save(record) {
      order.push(`persist ${record.state}`);
      if (gate) await gate;
      order.push(`persisted ${record.state}`);
    },
    async remove(record) {
      order.push(`persist ${record.state}`);
      if (gate) await gate;
      order.push(`persisted ${record.state}`);
    },
  };
}

describe('the transition table', () => {
  it('names only known states and events, and every state and event takes part', () => {
    for (const t of TRANSITIONS) {
      expect(t.from === 'new' || SANDBOX_STATES.includes(t.from), `${t.from}`).toBe(true);
      expect(SANDBOX_STATES).toContain(t.to);
      expect(LIFECYCLE_EVENTS).toContain(t.event);
      expect(t.cause.length).toBeGreaterThan(0);
      expect(t.persists.length).toBeGreaterThan(0);
    }
    expect(new Set(TRANSITIONS.map((t) => `${t.from}:${t.event}`)).size).toBe(TRANSITIONS.length);
    for (const event of LIFECYCLE_EVENTS)
      expect(
        TRANSITIONS.some((t) => t.event === event),
        event,
      ).toBe(true);
    for (const state of SANDBOX_STATES)
      expect(
        TRANSITIONS.some((t) => t.to === state),
        state,
      ).toBe(true);
    // only death is final
    expect(TRANSITIONS.some((t) => t.from === 'killed')).toBe(false);
  });

  it.each(TRANSITIONS.map((t) => [`${t.from} --${t.event}--> ${t.to}`, t] as const))('%s: allowed, persisted, then reported', async (_name, t) => {
    const order: string[] = [];
    const gate = deferred();
    const lifecycle = new Lifecycle<Rec>({
      store: orderStore(order, gate.promise),
      onTransition: (record, applied) => order.push(`effect ${applied.from}->${applied.to} (record says ${record.state})`),
    });
    const record: Rec = { sandboxID: 'isb', state: t.from === 'new' ? 'creating' : t.from, note: 'kept' };
    let reported = false;
    const applying = (t.from === 'new' ? lifecycle.create({ sandboxID: 'isb', note: 'kept' }) : lifecycle.apply(record, t.event)).then((r) => {
      reported = true;
      order.push('reported');
      return r;
    });
    await drain();
    // the write has started and is held: nothing is reported, nothing changed in memory
    expect(order).toEqual([`persist ${t.to}`]);
    expect(reported).toBe(false);
    if (t.from !== 'new') expect(record.state).toBe(t.from);
    gate.resolve();
    const result = await applying;
    expect(order).toEqual([`persist ${t.to}`, `persisted ${t.to}`, `effect ${t.from}->${t.to} (record says ${t.to})`, 'reported']);
    expect(result.state).toBe(t.to);
    expect(result.note).toBe('kept');
    if (t.from !== 'new') expect(result).toBe(record);
  });

  const allowed = new Set(TRANSITIONS.map((t) => `${t.from}:${t.event}`));
  const illegal: Array<[SandboxState, LifecycleEvent]> = [];
  for (const state of SANDBOX_STATES) for (const event of LIFECYCLE_EVENTS) if (!allowed.has(`${state}:${event}`)) illegal.push([state, event]);

  it(`refuses the ${illegal.length} other (state, event) pairs`, () => {
    expect(illegal.length + TRANSITIONS.filter((t) => t.from !== 'new').length).toBe(SANDBOX_STATES.length * LIFECYCLE_EVENTS.length);
  });

  it.each(illegal)('%s --%s--> throws, writes nothing, changes nothing', async (state, event) => {
    const order: string[] = [];
    const lifecycle = new Lifecycle<Rec>({ store: orderStore(order), onTransition: () => order.push('effect') });
    const record: Rec = { sandboxID: 'isb', state };
    const error = await lifecycle.apply(record, event).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IllegalTransitionError);
    expect(error).toMatchObject({ from: state, event, sandboxID: 'isb' });
    expect(record.state).toBe(state);
    expect(order).toEqual([]);
  });

  it('a sandbox is only ever created from nothing', () => {
    for (const event of LIFECYCLE_EVENTS) {
      if (event === 'create') expect(nextState('new', event)).toBe('creating');
      else expect(() => nextState('new', event)).toThrow(IllegalTransitionError);
    }
  });

  it('a write that fails changes nothing in memory and reports nothing', async () => {
    const effects: string[] = [];
    const lifecycle = new Lifecycle<Rec>({
      store: { save: async () => Promise.reject(new Error('disk full')), remove: async () => {} },
      onTransition: () => effects.push('effect'),
    });
    const record: Rec = { sandboxID: 'isb', state: 'running', note: 'before' };
    await expect(lifecycle.apply(record, 'pause', { note: 'after' })).rejects.toThrow('disk full');
    expect(record).toEqual({ sandboxID: 'isb', state: 'running', note: 'before' });
    expect(effects).toEqual([]);
  });

  it('a patch sets fields, and undefined removes them, in the written record and in memory alike', async () => {
    const written: Rec[] = [];
    const lifecycle = new Lifecycle<Rec>({ store: { save: async (r) => void written.push(structuredClone(r)), remove: async () => {} } });
    const record: Rec = { sandboxID: 'isb', state: 'running', note: 'x' };
    await lifecycle.apply(record, 'pause', { note: undefined });
    expect(record).toEqual({ sandboxID: 'isb', state: 'pausing' });
    expect(written).toEqual([{ sandboxID: 'isb', state: 'pausing' }]);
    await lifecycle.update(record, { note: 'y' });
    expect(written.at(-1)).toEqual({ sandboxID: 'isb', state: 'pausing', note: 'y' });
  });

  it("the wire shows E2B's two states: a transient state shows the state it leaves", () => {
    const shown = Object.fromEntries(SANDBOX_STATES.map((s) => [s, wireState({ state: s })]));
    expect(shown).toEqual({
      creating: 'running',
      running: 'running',
      pausing: 'running',
      paused: 'paused',
      resuming: 'paused',
      restarting: 'running',
      killing: 'running',
      killed: undefined,
    });
    expect(wireState({ state: 'killing', pausedAt: '2030-01-01T00:00:00Z' })).toBe('paused');
  });

  it('restarts: three within a minute, then no more until the oldest is a minute old', () => {
    expect(mayRestart([], 0)).toBe(true);
    expect(mayRestart([1000, 2000], 3000)).toBe(true);
    expect(mayRestart([1000, 2000, 3000], 4000)).toBe(false);
    expect(mayRestart([1000, 2000, 3000], 61_000)).toBe(true);
  });

  it('says why envd ended', () => {
    expect(describeExit({ code: 137, signal: null })).toBe('exit code 137: killed by SIGKILL');
    expect(describeExit({ code: null, signal: 'SIGSEGV' })).toBe('killed by SIGSEGV');
    expect(describeExit({ code: 1, signal: null })).toBe('exit code 1');
  });
});

// ── SandboxManager on the table ─────────────────────────────────────────────────────────────

interface Harness {
  root: string;
  paths: StatePaths;
  clock: FakeClock;
  runtime: FakeRuntime;
  manager: SandboxManager;
  /** Every record write, in order: "save <id> <state>" / "remove <id>". */
  writes: string[];
  daemonLog: string[];
  reaped: ProcessIdentity[];
  /** Makes the next write of `state` wait for the returned release. */
  holdWrite(state: SandboxState): () => void;
  /** The record as it is on disk. */
  onDisk(id: string): SandboxRecord | undefined;
  /** A second manager on the same state folder, as a daemon started after this one died. */
  restart(opts?: { clock?: FakeClock; alive?: boolean }): Promise<Harness>;
}

/** Managers to shut down after each test (one "restarted" is left as a dead daemon leaves it). */
const harnesses: Harness[] = [];
const roots = new Set<string>();
afterEach(async () => {
  // a test that failed may have left an operation held for ever
  for (const h of harnesses.splice(0)) await Promise.race([h.manager.shutdown().catch(() => {}), new Promise((r) => setTimeout(r, 2000))]);
  for (const root of roots) rmSync(root, { recursive: true, force: true });
  roots.clear();
});

async function harness(opts: { root?: string; clock?: FakeClock; alive?: boolean } = {}): Promise<Harness> {
  const root = opts.root ?? mkdtempSync(join(tmpdir(), 'e2bts-lifecycle-'));
  roots.add(root);
  const paths = statePaths(root);
  const templates = new TemplateStore(paths.templates);
  await templates.load();
  const clock = opts.clock ?? new FakeClock();
  const runtime = new FakeRuntime();
  const writes: string[] = [];
  const daemonLog: string[] = [];
  const reaped: ProcessIdentity[] = [];
  const holds = new Map<SandboxState, Promise<void>>();
  const manager = new SandboxManager({
    paths,
    runtime,
    templates,
    warmSpares: 0,
    clock,
    log: (level, message) => daemonLog.push(`${level} ${message}`),
    processes: {
      identify: async (pid) => ({ pid, startTicks: 42, bootId: 'test-boot' }),
      reap: async (identity) => {
        reaped.push(identity);
        return opts.alive ?? false;
      },
    },
    store: (folders) => ({
      async save(record) {
        writes.push(`save ${record.sandboxID} ${record.state}`);
        const hold = holds.get(record.state);
        if (hold) {
          holds.delete(record.state);
          await hold;
        }
        await folders.save(record);
      },
      async remove(record) {
        writes.push(`remove ${record.sandboxID}`);
        await folders.remove(record);
      },
    }),
  });
  await manager.load();
  const h: Harness = {
    root,
    paths,
    clock,
    runtime,
    manager,
    writes,
    daemonLog,
    reaped,
    holdWrite(state) {
      const gate = deferred();
      holds.set(state, gate.promise);
      return () => gate.resolve();
    },
    onDisk(id) {
      const dir = sandboxFolder(root, id);
      return dir ? (JSON.parse(readFileSync(join(dir, 'sandbox.json'), 'utf8')) as SandboxRecord) : undefined;
    },
    restart: (more = {}) => {
      // this daemon is dead now: nothing of it runs any more, nothing shuts it down
      harnesses.splice(harnesses.indexOf(h), 1);
      return harness({ root, clock: more.clock ?? clock, ...(more.alive !== undefined ? { alive: more.alive } : {}) });
    },
  };
  harnesses.push(h);
  return h;
}

async function created(h: Harness, body: Record<string, unknown> = {}): Promise<string> {
  const record = await h.manager.create({ templateID: 'base', timeout: 60, ...body });
  return record.sandboxID;
}

/** Disk and memory agree on the record's state (and on everything else). */
function agree(h: Harness, id: string): SandboxRecord {
  const memory = h.manager.get(id);
  const disk = h.onDisk(id);
  expect(disk).toEqual(memory);
  return memory!;
}

describe('SandboxManager: each change is persisted before it is reported', () => {
  it('create writes creating, then running, and answers only after', async () => {
    const h = await harness();
    const release = h.holdWrite('running');
    let answered = false;
    const creating = h.manager.create({ templateID: 'base', timeout: 60 }).then((r) => {
      answered = true;
      return r;
    });
    await until(() => h.writes.length === 2);
    expect(answered).toBe(false);
    release();
    const record = await creating;
    expect(h.writes).toEqual([`save ${record.sandboxID} creating`, `save ${record.sandboxID} running`]);
    expect(agree(h, record.sandboxID)).toMatchObject({ state: 'running', process: { pid: h.runtime.latest(record.sandboxID)!.pid } });
    expect(h.clock.pending).toBe(1);
  });

  it('pause answers only once "paused" is on disk', async () => {
    const h = await harness();
    const id = await created(h);
    const release = h.holdWrite('paused');
    let answered = false;
    const pausing = h.manager.pause(id).then((r) => {
      answered = true;
      return r;
    });
    await until(() => h.writes.at(-1) === `save ${id} paused`);
    await drain();
    expect(answered).toBe(false);
    expect(h.onDisk(id)?.state).toBe('pausing');
    release();
    expect(await pausing).toBe(true);
    expect(agree(h, id)).toMatchObject({ state: 'paused', pauseReason: 'requested' });
    expect(h.runtime.latest(id)!.frozen).toBe(true);
    expect(h.clock.pending).toBe(0);
  });

  it('pause, resume, kill: each write in table order', async () => {
    const h = await harness();
    const id = await created(h);
    await h.manager.pause(id, false);
    await h.manager.connect(id, 30);
    await h.manager.kill(id);
    expect(h.writes).toEqual([
      `save ${id} creating`,
      `save ${id} running`,
      `save ${id} pausing`,
      `save ${id} paused`,
      `save ${id} resuming`,
      `save ${id} running`,
      `save ${id} killing`,
      `remove ${id}`,
    ]);
    expect(h.manager.get(id)).toBeUndefined();
    expect(sandboxFolder(h.root, id)).toBeUndefined();
  });
});

describe('SandboxManager: time comes from the clock', () => {
  it('the timeout kills: no real waiting', async () => {
    const h = await harness();
    const id = await created(h, { timeout: 30 });
    h.clock.advance(29_999);
    await h.manager.settled(id);
    expect(h.manager.get(id)?.state).toBe('running');
    h.clock.advance(1);
    await h.manager.settled(id);
    expect(h.manager.get(id)).toBeUndefined();
    expect(h.runtime.latest(id)!.killed).toBe(true);
    expect(h.writes.slice(-2)).toEqual([`save ${id} killing`, `remove ${id}`]);
  });

  it('with onTimeout pause the timeout pauses (memory kept when asked)', async () => {
    const h = await harness();
    const id = await created(h, { timeout: 30, autoPause: true });
    h.clock.advance(30_000);
    await h.manager.settled(id);
    expect(agree(h, id)).toMatchObject({ state: 'paused', pauseReason: 'timeout', pausedAt: new Date(h.clock.now()).toISOString() });
    expect(h.runtime.latest(id)!.frozen).toBe(true);
    expect(h.clock.pending).toBe(0);
  });

  it('setTimeout, refresh and connect move the end, and the timer with it', async () => {
    const h = await harness();
    const start = h.clock.now();
    const id = await created(h, { timeout: 30 });
    await h.manager.setTimeout(id, 100);
    expect(agree(h, id).endAt).toBe(new Date(start + 100_000).toISOString());
    h.clock.advance(50_000);
    await h.manager.refresh(id, 120);
    expect(agree(h, id).endAt).toBe(new Date(start + 170_000).toISOString());
    // connect never shortens
    await h.manager.connect(id, 10);
    expect(agree(h, id).endAt).toBe(new Date(start + 170_000).toISOString());
    h.clock.advance(119_999);
    await h.manager.settled(id);
    expect(h.manager.get(id)?.state).toBe('running');
    h.clock.advance(1);
    await h.manager.settled(id);
    expect(h.manager.get(id)).toBeUndefined();
  });

  it('a lifetime extended while its timer fires is kept', async () => {
    const h = await harness();
    const start = h.clock.now();
    const id = await created(h, { timeout: 30 });
    const release = h.holdWrite('running');
    const extending = h.manager.setTimeout(id, 100);
    await until(() => h.writes.at(-1) === `save ${id} running`);
    // the old end comes while the new one is being written: the expiry waits its turn
    h.clock.advance(30_000);
    release();
    await extending;
    await h.manager.settled(id);
    expect(agree(h, id)).toMatchObject({ state: 'running', endAt: new Date(start + 100_000).toISOString() });
    expect(h.clock.nextAt).toBe(start + 100_000);
  });
});

describe('SandboxManager: failure paths leave disk and memory in agreement', () => {
  it('a resume whose envd cannot start stays paused, lifetime as it was, and a later resume arms the timer', async () => {
    const h = await harness();
    const id = await created(h, { timeout: 30 });
    await h.manager.pause(id, false);
    const before = agree(h, id);
    h.runtime.failStarts = 1;
    const error = await h.manager.connect(id, 45).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(500);
    const after = agree(h, id);
    expect(after).toEqual({ ...before, state: 'paused' });
    expect(after.process).toBeUndefined();
    expect(h.clock.pending).toBe(0);
    expect(
      h.manager
        .log(id)
        .query({})
        .map((e) => e.message),
    ).toContain('resume failed (the fake runtime refused to start); the sandbox stays paused');
    // the next resume works and its lifetime runs on the clock
    await h.manager.connect(id, 45);
    expect(agree(h, id)).toMatchObject({ state: 'running', endAt: new Date(h.clock.now() + 45_000).toISOString() });
    expect(h.clock.pending).toBe(1);
    h.clock.advance(45_000);
    await h.manager.settled(id);
    expect(h.manager.get(id)).toBeUndefined();
  });

  it('a resume whose thaw fails stays paused with its processes frozen', async () => {
    const h = await harness();
    const id = await created(h);
    await h.manager.pause(id);
    const proc = h.runtime.latest(id)!;
    proc.failThaw = new Error('thaw refused');
    await expect(h.manager.connect(id, 30)).rejects.toThrow(/could not resume the sandbox: thaw refused/);
    expect(agree(h, id)).toMatchObject({ state: 'paused', process: { pid: proc.pid } });
    expect(proc.frozen).toBe(true);
    proc.failThaw = undefined;
    await h.manager.connect(id, 30);
    expect(proc.frozen).toBe(false);
    expect(agree(h, id).state).toBe('running');
  });

  it('a pause whose freeze fails leaves it running, thawed, with its timer armed', async () => {
    const h = await harness();
    const id = await created(h, { timeout: 30 });
    const proc = h.runtime.latest(id)!;
    proc.failFreeze = new Error('freeze refused');
    await expect(h.manager.pause(id)).rejects.toThrow(/could not pause the sandbox: freeze refused/);
    expect(agree(h, id).state).toBe('running');
    expect(proc.frozen).toBe(false);
    expect(h.clock.pending).toBe(1);
    h.clock.advance(30_000);
    await h.manager.settled(id);
    expect(h.manager.get(id)).toBeUndefined();
  });

  it('a kill ends in killed even when the processes are gone already, or refuse to stop', async () => {
    const h = await harness();
    const gone = await created(h);
    const stuck = await created(h);
    await h.manager.pause(gone, false);
    h.runtime.latest(stuck)!.failKill = new Error('EPERM');
    expect(await h.manager.kill(gone)).toBe(true);
    expect(await h.manager.kill(stuck)).toBe(true);
    for (const id of [gone, stuck]) {
      expect(h.manager.get(id)).toBeUndefined();
      expect(sandboxFolder(h.root, id)).toBeUndefined();
    }
    expect(await h.manager.kill(gone)).toBe(false);
  });

  it('a create whose envd cannot start leaves no record and no folder', async () => {
    const h = await harness();
    h.runtime.failStarts = 1;
    await expect(h.manager.create({ templateID: 'base', timeout: 60 })).rejects.toThrow(/could not start the sandbox/);
    const [save, remove] = h.writes;
    const id = save.split(' ')[1];
    expect(h.writes).toEqual([`save ${id} creating`, `remove ${id}`]);
    expect(h.manager.all()).toEqual([]);
    expect(sandboxFolder(h.root, id)).toBeUndefined();
    expect(remove).toBe(`remove ${id}`);
  });

  it('operations on one sandbox stay serialized: a kill during a resume waits for it', async () => {
    const h = await harness();
    const id = await created(h);
    await h.manager.pause(id, false);
    const hold = deferred();
    h.runtime.hold = hold.promise;
    const order: string[] = [];
    const resuming = h.manager.connect(id, 30).then(() => order.push('resumed'));
    await until(() => h.runtime.holding);
    const killing = h.manager.kill(id).then(() => order.push('killed'));
    await drain();
    expect(order).toEqual([]);
    expect(h.manager.get(id)?.state).toBe('resuming');
    hold.resolve();
    await Promise.all([resuming, killing]);
    expect(order).toEqual(['resumed', 'killed']);
    expect(h.writes.slice(-4)).toEqual([`save ${id} resuming`, `save ${id} running`, `save ${id} killing`, `remove ${id}`]);
  });
});

describe('SandboxManager: envd dying is a transition (a reboot on the same files)', () => {
  it('running → restarting → running: a new envd, the same folder, the reason logged', async () => {
    const h = await harness();
    const id = await created(h, { timeout: 30 });
    const first = h.runtime.latest(id)!;
    writeFileSync(join(sandboxFolder(h.root, id)!, 'kept.txt'), 'files stay');
    const hold = deferred();
    h.runtime.hold = hold.promise;
    first.die({ code: 137, signal: null });
    await until(() => h.runtime.holding);
    // while the new envd starts: restarting on disk and in memory, requests told so
    expect(agree(h, id).state).toBe('restarting');
    await expect(h.manager.envdSocket(id)).rejects.toBeInstanceOf(SandboxUnavailableError);
    expect(h.clock.pending).toBe(1);
    hold.resolve();
    await h.manager.settled(id);
    const second = h.runtime.latest(id)!;
    expect(second).not.toBe(first);
    expect(second.spec.dir).toBe(first.spec.dir);
    expect(readFileSync(join(first.spec.dir, 'kept.txt'), 'utf8')).toBe('files stay');
    expect(agree(h, id)).toMatchObject({ state: 'running', restarts: 1, process: { pid: second.pid } });
    expect(await h.manager.envdSocket(id)).toBe(second.socketPath);
    expect(h.writes.slice(-2)).toEqual([`save ${id} restarting`, `save ${id} running`]);
    const log = h.manager
      .log(id)
      .query({})
      .map((e) => e.message);
    expect(log).toContain('envd exited unexpectedly (exit code 137: killed by SIGKILL); restarting it on the same files');
    expect(log).toContain('envd restarted (restart 1); files kept, processes lost');
    expect(h.daemonLog.some((l) => l.includes(`sandbox ${id}: envd exited unexpectedly (exit code 137: killed by SIGKILL)`))).toBe(true);
    // the lifetime ran on through the restart
    h.clock.advance(30_000);
    await h.manager.settled(id);
    expect(h.manager.get(id)).toBeUndefined();
  });

  it('the window before the daemon hears of the death already answers "restarting"', async () => {
    const h = await harness();
    const id = await created(h);
    const hold = deferred();
    h.runtime.hold = hold.promise;
    h.runtime.latest(id)!.die();
    // not a single tick later
    expect(h.manager.envdLost(id, true)).toBe(true);
    await until(() => h.runtime.holding);
    await expect(h.manager.envdSocket(id)).rejects.toThrow(/restarting/);
    hold.resolve();
    await h.manager.settled(id);
  });

  it('gives up after three restarts within a minute: paused (files kept), and a resume starts afresh', async () => {
    const h = await harness();
    const id = await created(h, { timeout: 600 });
    for (let i = 1; i <= 3; i++) {
      h.runtime.latest(id)!.die();
      await h.manager.settled(id);
      expect(agree(h, id)).toMatchObject({ state: 'running', restarts: i });
      h.clock.advance(10_000);
    }
    const started = h.runtime.started.length;
    h.runtime.latest(id)!.die();
    await h.manager.settled(id);
    expect(h.runtime.started.length).toBe(started);
    expect(agree(h, id)).toMatchObject({ state: 'paused', pauseReason: 'crashed', restarts: 3 });
    expect(agree(h, id).process).toBeUndefined();
    expect(h.clock.pending).toBe(0);
    expect(
      h.manager
        .log(id)
        .query({ level: 'error' })
        .map((e) => e.message),
    ).toEqual(['envd stopped 4 times within 60 s; the sandbox was paused (files kept): resume it to start envd again']);
    await h.manager.connect(id, 60);
    h.runtime.latest(id)!.die();
    await h.manager.settled(id);
    expect(agree(h, id)).toMatchObject({ state: 'running', restarts: 4 });
  });

  it('crashes far apart are restarted for ever', async () => {
    const h = await harness();
    const id = await created(h, { timeout: 3600 });
    for (let i = 1; i <= 6; i++) {
      h.runtime.latest(id)!.die();
      await h.manager.settled(id);
      h.clock.advance(30_000);
    }
    expect(agree(h, id)).toMatchObject({ state: 'running', restarts: 6 });
  });

  it('an envd that cannot be started again counts as crashing: tried, then paused', async () => {
    const h = await harness();
    const id = await created(h);
    h.runtime.failStarts = 10;
    h.runtime.latest(id)!.die();
    await h.manager.settled(id);
    expect(h.runtime.failStarts).toBe(7);
    expect(agree(h, id)).toMatchObject({ state: 'paused', pauseReason: 'crashed' });
    expect(
      h.manager
        .log(id)
        .query({ level: 'warn' })
        .filter((e) => e.message.startsWith('envd could not be started again')),
    ).toHaveLength(3);
  });

  it('processes the daemon stops on purpose are not restarted', async () => {
    const h = await harness();
    const paused = await created(h);
    const killed = await created(h);
    await h.manager.pause(paused, false);
    await h.manager.kill(killed);
    await h.manager.settled(paused);
    expect(h.runtime.started).toHaveLength(2);
    expect(h.manager.get(paused)?.state).toBe('paused');
    expect(h.writes.some((w) => w.endsWith('restarting'))).toBe(false);
  });

  it('a death during a failed pause is handled once the pause gave up', async () => {
    const h = await harness();
    const id = await created(h);
    const proc = h.runtime.latest(id)!;
    proc.failFreeze = new Error('freeze refused');
    const pausing = h.manager.pause(id).catch((e: unknown) => e);
    proc.die();
    expect(await pausing).toBeInstanceOf(ApiError);
    await h.manager.settled(id);
    expect(agree(h, id)).toMatchObject({ state: 'running', restarts: 1 });
  });
});

describe('SandboxManager: start-up repairs what a dead daemon left', () => {
  it('kills (or pauses, per onTimeout) sandboxes whose lifetime ended while no daemon ran', async () => {
    const h = await harness();
    const kill = await created(h, { timeout: 2 });
    const pause = await created(h, { timeout: 2, autoPause: true });
    const later = await created(h, { timeout: 3600 });
    // the daemon dies (no shutdown); 10 s pass
    const clock = new FakeClock(h.clock.now() + 10_000);
    const next = await h.restart({ clock });
    expect(next.manager.get(kill)).toBeUndefined();
    expect(sandboxFolder(h.root, kill)).toBeUndefined();
    expect(agree(next, pause)).toMatchObject({ state: 'paused', pauseReason: 'timeout' });
    expect(agree(next, later)).toMatchObject({ state: 'paused', pauseReason: 'daemon-restarted' });
    const writesOf = (id: string) => next.writes.filter((w) => w.includes(id));
    expect(writesOf(kill)).toEqual([`save ${kill} paused`, `save ${kill} killing`, `remove ${kill}`]);
    expect(writesOf(pause)).toEqual([`save ${pause} paused`]);
    expect(writesOf(later)).toEqual([`save ${later} paused`]);
    expect(
      next.manager
        .log(later)
        .query({})
        .map((e) => e.message),
    ).toContain('the local daemon restarted; the sandbox was paused (files kept, processes lost)');
    expect(next.clock.pending).toBe(0);
  });

  it("a stopped daemon's sandboxes keep their lifetime running while it is down", async () => {
    const h = await harness();
    const short = await created(h, { timeout: 5 });
    const long = await created(h, { timeout: 3600 });
    const paused = await created(h, { timeout: 5 });
    await h.manager.pause(paused);
    await h.manager.shutdown();
    expect(h.onDisk(short)).toMatchObject({ state: 'paused', pauseReason: 'daemon-stopped' });
    const next = await h.restart({ clock: new FakeClock(h.clock.now() + 60_000) });
    expect(next.manager.get(short)).toBeUndefined();
    expect(agree(next, long)).toMatchObject({ state: 'paused', pauseReason: 'daemon-restarted' });
    // paused by request: its lifetime does not run, whatever the clock says
    expect(agree(next, paused)).toMatchObject({ state: 'paused', pauseReason: 'requested' });
  });

  it('reaps the process trees the dead daemon left (frozen ones too) and forgets them', async () => {
    const h = await harness();
    const frozen = await created(h);
    const running = await created(h);
    await h.manager.pause(frozen);
    const identities = [frozen, running].map((id) => agree(h, id).process);
    const next = await h.restart({ alive: true });
    expect(next.reaped).toEqual(expect.arrayContaining(identities));
    for (const id of [frozen, running]) {
      expect(agree(next, id)).toMatchObject({ state: 'paused' });
      expect(next.onDisk(id)?.process).toBeUndefined();
      expect(
        next.manager
          .log(id)
          .query({})
          .map((e) => e.message),
      ).toContain('processes left running by the previous daemon were stopped');
    }
    // and they resume
    await next.manager.connect(frozen, 30);
    expect(agree(next, frozen).state).toBe('running');
  });

  it('undoes a create that never answered and finishes a kill that was under way', async () => {
    const h = await harness();
    const creating = await created(h);
    const killing = await created(h);
    // what a daemon dying in the middle leaves on disk
    for (const [id, state] of [
      [creating, 'creating'],
      [killing, 'killing'],
    ] as const) {
      const file = join(sandboxFolder(h.root, id)!, 'sandbox.json');
      writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), state }));
    }
    mkdirSync(join(h.paths.sandboxes, '.killed-0123456789ab', 'fs'), { recursive: true });
    const next = await h.restart();
    expect(next.manager.all()).toEqual([]);
    expect(sandboxFolder(h.root, creating)).toBeUndefined();
    expect(sandboxFolder(h.root, killing)).toBeUndefined();
    expect(existsSync(join(h.paths.sandboxes, '.killed-0123456789ab'))).toBe(false);
    expect(next.writes).toEqual(expect.arrayContaining([`remove ${creating}`, `remove ${killing}`]));
  });

  it('every transient state comes back paused', async () => {
    const h = await harness();
    const ids: Record<string, string> = {};
    for (const state of ['running', 'restarting', 'pausing', 'resuming'] as const) {
      const id = await created(h, { timeout: 3600 });
      if (state === 'resuming') await h.manager.pause(id);
      const file = join(sandboxFolder(h.root, id)!, 'sandbox.json');
      writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), state }));
      ids[state] = id;
    }
    const next = await h.restart();
    for (const [state, id] of Object.entries(ids)) {
      expect(agree(next, id), state).toMatchObject({ state: 'paused' });
      expect(agree(next, id).pausedAt, state).toBeDefined();
    }
    expect(agree(next, ids.resuming).pauseReason).toBe('requested');
  });

  it('removes upload temporaries of interrupted transfers before the sandbox is used again', async () => {
    const h = await harness();
    const id = await created(h);
    const home = join(sandboxFolder(h.root, id)!, 'fs', 'home', 'user', 'deep');
    mkdirSync(home, { recursive: true });
    const temp = join(home, '.e2b-ts-upload-0123456789abcdef00000001');
    writeFileSync(temp, 'half an upload');
    writeFileSync(join(home, 'real.txt'), 'a file');
    const next = await h.restart();
    // a resume waits for the clean-up
    await next.manager.connect(id, 30);
    expect(existsSync(temp)).toBe(false);
    expect(readFileSync(join(home, 'real.txt'), 'utf8')).toBe('a file');
    expect(
      next.manager
        .log(id)
        .query({})
        .map((e) => e.message),
    ).toContain('removed 1 temporary file(s) of interrupted uploads');
  });
});

describe('process identity', () => {
  if (process.platform !== 'linux') console.warn('lifecycle: the process-identity test reads /proc (Linux only); skipped');
  it.skipIf(process.platform !== 'linux')('names a process by pid, start time and boot, so a reused pid is never taken for it', async () => {
    const me = await identifyProcess(process.pid);
    expect(me).toMatchObject({ pid: process.pid, startTicks: expect.any(Number), bootId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    expect(await stillRunning(me!)).toBe(true);
    expect(await stillRunning({ ...me!, startTicks: me!.startTicks + 1 })).toBe(false);
    expect(await stillRunning({ ...me!, bootId: '00000000-0000-0000-0000-000000000000' })).toBe(false);
    expect(await identifyProcess(5_000_000)).toBeUndefined();
  });
});

describe('removeUploadTemps', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('removes only upload temporaries, at any depth, and follows no symlink', async () => {
    const base = mkdtempSync(join(tmpdir(), 'e2bts-temps-'));
    dirs.push(base);
    const tree = join(base, 'fs');
    const outside = join(base, 'outside');
    mkdirSync(join(tree, 'a', 'b'), { recursive: true });
    mkdirSync(outside);
    const name = (n: number) => `.e2b-ts-upload-0123456789abcdef${String(n).padStart(8, '0')}`;
    writeFileSync(join(tree, name(1)), 'x');
    writeFileSync(join(tree, 'a', 'b', name(2)), 'x');
    writeFileSync(join(tree, 'a', '.e2b-ts-upload-short'), 'not one of ours');
    mkdirSync(join(tree, 'a', name(3)));
    writeFileSync(join(outside, name(4)), 'host file');
    symlinkSync(outside, join(tree, 'link'));
    symlinkSync(join(outside, name(4)), join(tree, 'a', name(5)));
    expect(await removeUploadTemps(tree)).toBe(2);
    expect(existsSync(join(tree, name(1)))).toBe(false);
    expect(existsSync(join(tree, 'a', 'b', name(2)))).toBe(false);
    expect(existsSync(join(tree, 'a', '.e2b-ts-upload-short'))).toBe(true);
    expect(existsSync(join(tree, 'a', name(3)))).toBe(true);
    expect(readFileSync(join(outside, name(4)), 'utf8')).toBe('host file');
    expect(await removeUploadTemps(join(tree, 'link'))).toBe(0);
    expect(await removeUploadTemps(join(base, 'missing'))).toBe(0);
  });
});
