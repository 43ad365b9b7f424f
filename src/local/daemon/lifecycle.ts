/**
 * The lifecycle of a local sandbox, in one place: its states, the transitions allowed between
 * them (with the event that causes each), and the one function that applies a transition.
 *
 * Applying a transition checks it against the table (an illegal one throws
 * {@link IllegalTransitionError}, it is never ignored), persists the record (an atomic write)
 * and only then changes the record in memory and runs the side effects (timers, logs, the
 * caller's answer). A failed write leaves the record as it was, in memory as on disk.
 *
 * The daemon keeps the states of E2B's orchestrator that matter for a local sandbox. Transient
 * states (`creating`, `pausing`, `resuming`, `restarting`, `killing`) are persisted too, so a
 * daemon that dies in the middle of a change knows at its next start what it was doing
 * (SandboxManager.load: a create that never answered is undone, a kill is finished, everything
 * else comes back paused). On the wire there are only E2B's `running` and `paused`
 * ({@link wireState}). docs/lifecycle.md explains the table.
 */
import { constants } from 'node:os';

/** Where a sandbox is in its life. */
export type SandboxState =
  /** Its record and files exist; envd is starting for the first time. */
  | 'creating'
  /** envd answers; the lifetime timer is armed. */
  | 'running'
  /** Its processes are being frozen (memory kept) or stopped (files only). */
  | 'pausing'
  /** No envd answers: processes frozen, or gone with the files kept. */
  | 'paused'
  /** Its processes are being thawed, or envd started again on its files. */
  | 'resuming'
  /** envd died on its own; a new envd is starting on the same files (a reboot). */
  | 'restarting'
  /** Its processes are being stopped and its record and files deleted. */
  | 'killing'
  /** Gone: no record, no files. Final. */
  | 'killed';

/** Every state, in the order of a sandbox's life. */
export const SANDBOX_STATES: readonly SandboxState[] = ['creating', 'running', 'pausing', 'paused', 'resuming', 'restarting', 'killing', 'killed'];

/** What makes a sandbox change state. */
export type LifecycleEvent =
  | 'create'
  | 'started'
  | 'createFailed'
  | 'pause'
  | 'paused'
  | 'pauseFailed'
  | 'resume'
  | 'resumed'
  | 'resumeFailed'
  | 'envdExited'
  | 'rebooted'
  | 'gaveUp'
  | 'kill'
  | 'removed'
  | 'daemonStopped'
  | 'recovered';

/** Every event. */
export const LIFECYCLE_EVENTS: readonly LifecycleEvent[] = [
  'create',
  'started',
  'createFailed',
  'pause',
  'paused',
  'pauseFailed',
  'resume',
  'resumed',
  'resumeFailed',
  'envdExited',
  'rebooted',
  'gaveUp',
  'kill',
  'removed',
  'daemonStopped',
  'recovered',
];

/** Why a paused sandbox is paused (kept in its record; the daemon's start-up reads it). */
export type PauseReason =
  /** Someone asked (the pause endpoint). */
  | 'requested'
  /** Its lifetime ended with `onTimeout: pause`. */
  | 'timeout'
  /** envd kept dying; the daemon stopped restarting it. */
  | 'crashed'
  /** The daemon stopped while the sandbox ran: its lifetime counts on while the daemon is down. */
  | 'daemon-stopped'
  /** The daemon died while the sandbox ran, or came back after a stop: processes lost. */
  | 'daemon-restarted';

/** The origin of a sandbox's first transition (it has no state before it is created). */
export type Origin = 'new';

export interface Transition {
  from: SandboxState | Origin;
  event: LifecycleEvent;
  to: SandboxState;
  /** What causes it. */
  cause: string;
  /** What the record written for it holds beyond the new state. */
  persists: string;
}

/** Every allowed transition. Anything else is a bug, and throws. */
export const TRANSITIONS: readonly Transition[] = [
  {
    from: 'new',
    event: 'create',
    to: 'creating',
    cause: 'a create (or fork) request was accepted',
    persists: 'the whole record: template, lifetime (startedAt, endAt, timeoutSeconds), metadata, envVars, network, lifecycle, access token',
  },
  {
    from: 'creating',
    event: 'started',
    to: 'running',
    cause: 'envd answered (a warm spare took the identity, or a fresh envd started)',
    persists: 'the process identity (host pid, start time, boot)',
  },
  {
    from: 'creating',
    event: 'createFailed',
    to: 'killed',
    cause: 'envd could not start, or the daemon died before the create was answered',
    persists: 'nothing: record and files are deleted',
  },
  {
    from: 'running',
    event: 'pause',
    to: 'pausing',
    cause: 'a pause request, or the timeout with onTimeout pause',
    persists: 'the state only; the lifetime timer is disarmed',
  },
  {
    from: 'pausing',
    event: 'paused',
    to: 'paused',
    cause: 'processes frozen (memory kept) or stopped (files only)',
    persists: 'pausedAt, pauseReason; the process identity stays while frozen, goes when stopped',
  },
  { from: 'pausing', event: 'pauseFailed', to: 'running', cause: 'freezing or stopping failed', persists: 'the state only; the lifetime timer is armed again' },
  { from: 'paused', event: 'resume', to: 'resuming', cause: 'a connect or resume request, or traffic to an autoResume sandbox', persists: 'the state only' },
  {
    from: 'resuming',
    event: 'resumed',
    to: 'running',
    cause: 'processes thawed, or a fresh envd answered',
    persists: 'endAt, timeoutSeconds, the process identity; pausedAt and pauseReason go; the timer is armed',
  },
  {
    from: 'resuming',
    event: 'resumeFailed',
    to: 'paused',
    cause: 'thawing or starting envd failed',
    persists: 'the state only: pausedAt, pauseReason and the lifetime stay as they were',
  },
  {
    from: 'running',
    event: 'envdExited',
    to: 'restarting',
    cause: 'envd died without being asked to (killed inside the sandbox, crashed, out of memory)',
    persists: 'the state only; the lifetime timer keeps running',
  },
  { from: 'restarting', event: 'rebooted', to: 'running', cause: 'a new envd answered on the same files', persists: 'the new process identity, restarts + 1' },
  {
    from: 'restarting',
    event: 'gaveUp',
    to: 'paused',
    cause: 'envd died too often in a short time (RESTART_POLICY), or could not start',
    persists: 'pausedAt, pauseReason "crashed"; the process identity goes',
  },
  {
    from: 'running',
    event: 'kill',
    to: 'killing',
    cause: 'a kill request, or the timeout with onTimeout kill',
    persists: 'the state only; the timer is disarmed',
  },
  { from: 'paused', event: 'kill', to: 'killing', cause: 'a kill request, or a lifetime that ended while the daemon was down', persists: 'the state only' },
  { from: 'restarting', event: 'kill', to: 'killing', cause: 'the daemon found a kill due while envd was being restarted', persists: 'the state only' },
  {
    from: 'killing',
    event: 'removed',
    to: 'killed',
    cause: 'processes stopped (or already gone)',
    persists: 'nothing: the folder is renamed away (atomic), then deleted',
  },
  {
    from: 'running',
    event: 'daemonStopped',
    to: 'paused',
    cause: 'the daemon is stopping: processes are stopped',
    persists: 'pausedAt, pauseReason "daemon-stopped"; the process identity goes',
  },
  {
    from: 'restarting',
    event: 'daemonStopped',
    to: 'paused',
    cause: 'the daemon is stopping while envd restarts',
    persists: 'pausedAt, pauseReason "daemon-stopped"; the process identity goes',
  },
  {
    from: 'paused',
    event: 'daemonStopped',
    to: 'paused',
    cause: 'the daemon is stopping: frozen processes are stopped (memory lost)',
    persists: 'the process identity goes',
  },
  {
    from: 'running',
    event: 'recovered',
    to: 'paused',
    cause: 'daemon start-up: the previous daemon died, and processes with it',
    persists: 'pausedAt, pauseReason "daemon-restarted" (or "timeout"); the process identity goes',
  },
  {
    from: 'restarting',
    event: 'recovered',
    to: 'paused',
    cause: 'daemon start-up: the previous daemon died while restarting envd',
    persists: 'as running → paused',
  },
  { from: 'pausing', event: 'recovered', to: 'paused', cause: 'daemon start-up: the previous daemon died while pausing', persists: 'as running → paused' },
  {
    from: 'resuming',
    event: 'recovered',
    to: 'paused',
    cause: 'daemon start-up: the previous daemon died while resuming',
    persists: 'pausedAt and pauseReason as they were; the process identity goes',
  },
  {
    from: 'paused',
    event: 'recovered',
    to: 'paused',
    cause: 'daemon start-up: a paused sandbox (frozen processes are reaped)',
    persists: 'pauseReason "daemon-restarted" after a daemon stop; the process identity goes',
  },
];

const TABLE = new Map<string, SandboxState>(TRANSITIONS.map((t) => [`${t.from}:${t.event}`, t.to]));

/** A transition the table does not allow: a bug in the caller, never silently ignored. */
export class IllegalTransitionError extends Error {
  constructor(
    readonly sandboxID: string,
    readonly from: SandboxState | Origin,
    readonly event: LifecycleEvent,
  ) {
    super(`sandbox ${sandboxID}: "${event}" is not allowed in state ${from}`);
    this.name = 'IllegalTransitionError';
  }
}

/** The state `event` leads to from `from`; throws when the table does not allow it. */
export function nextState(from: SandboxState | Origin, event: LifecycleEvent, sandboxID = '?'): SandboxState {
  const to = TABLE.get(`${from}:${event}`);
  if (to === undefined) throw new IllegalTransitionError(sandboxID, from, event);
  return to;
}

/**
 * The state E2B's API shows: a transient state shows the state it is leaving (a sandbox being
 * paused is still running, one being killed is what it was until it is gone, which `pausedAt`
 * tells: a record has it exactly while it is paused). `killed` is not shown at all (404).
 */
export function wireState(record: { state: SandboxState; pausedAt?: string }): 'running' | 'paused' | undefined {
  switch (record.state) {
    case 'creating':
    case 'running':
    case 'pausing':
    case 'restarting':
      return 'running';
    case 'paused':
    case 'resuming':
      return 'paused';
    case 'killing':
      return record.pausedAt === undefined ? 'running' : 'paused';
    default:
      return undefined;
  }
}

/** States in which the sandbox's lifetime runs (its timer is armed). */
export function lifetimeRuns(state: SandboxState): boolean {
  return state === 'running' || state === 'restarting';
}

/**
 * When the daemon stops restarting a crashing envd: after `limit` restarts within `windowMs`,
 * the next death pauses the sandbox instead (files kept; a resume tries again).
 * @default 3 restarts in 60 s: a crash now and then (a process killed by sandbox root, an out
 * of memory kill) is repaired at once, while an envd that cannot live is not restarted in a loop.
 */
export const RESTART_POLICY = { limit: 3, windowMs: 60_000 } as const;

/** Whether one more restart is allowed, given the times of earlier ones (oldest first). */
export function mayRestart(restartTimes: readonly number[], now: number, policy: { limit: number; windowMs: number } = RESTART_POLICY): boolean {
  return restartTimes.filter((t) => now - t < policy.windowMs).length < policy.limit;
}

/** How a sandbox's process tree ended, for people: "exit code 137 (signal SIGKILL)". */
export function describeExit(exit: { code: number | null; signal: string | null } | undefined): string {
  if (!exit) return 'it ended';
  if (exit.signal) return `killed by ${exit.signal}`;
  if (exit.code === null) return 'it ended';
  // bubblewrap reports a command killed by signal N as exit code 128 + N
  const signal = exit.code > 128 ? Object.entries(constants.signals).find(([, n]) => n === exit.code! - 128)?.[0] : undefined;
  return signal ? `exit code ${exit.code}: killed by ${signal}` : `exit code ${exit.code}`;
}

/** The part of a record the lifecycle reads. */
export interface LifecycleRecord {
  sandboxID: string;
  state: SandboxState;
}

/** Where records live. Both calls must be atomic: after a crash, either the old or the new record is there. */
export interface RecordStore<R extends LifecycleRecord> {
  /** Writes the record (replacing the one before). */
  save(record: R): Promise<void>;
  /** Deletes the record and the sandbox's files: the sandbox is killed. */
  remove(record: R): Promise<void>;
}

/** A transition that was applied, as the side-effect hook sees it. */
export interface AppliedTransition {
  from: SandboxState | Origin;
  event: LifecycleEvent;
  to: SandboxState;
}

export interface LifecycleOptions<R extends LifecycleRecord> {
  store: RecordStore<R>;
  /** Side effects of a transition (timers, bookkeeping); runs after the record is persisted. */
  onTransition?: (record: R, transition: AppliedTransition) => void;
}

/** Fields set to `undefined` in a patch are removed from the record. */
export type RecordPatch<R> = { [K in keyof R]?: R[K] | undefined };

function patched<R extends LifecycleRecord>(record: R, patch: RecordPatch<R>, state: SandboxState): R {
  const next = { ...record, ...patch, state } as Record<string, unknown>;
  for (const key of Object.keys(next)) if (next[key] === undefined) delete next[key];
  return next as R;
}

/** Makes `target` equal to `source` in place (others hold references to the record). */
function replaceInPlace(target: object, source: object): void {
  for (const key of Object.keys(target)) if (!(key in source)) delete (target as Record<string, unknown>)[key];
  Object.assign(target, source);
}

export class Lifecycle<R extends LifecycleRecord> {
  constructor(private readonly opts: LifecycleOptions<R>) {}

  /** The first transition: persists a new record in state `creating`. */
  async create(draft: Omit<R, 'state'>): Promise<R> {
    const to = nextState('new', 'create', draft.sandboxID);
    const record = { ...draft, state: to } as R;
    await this.opts.store.save(record);
    this.opts.onTransition?.(record, { from: 'new', event: 'create', to });
    return record;
  }

  /**
   * Applies `event` to `record`: checks the table, persists the new record (with `patch`), then
   * changes `record` in place and runs the side effects. Throws, changing nothing, when the
   * transition is not allowed or the record cannot be written.
   */
  async apply(record: R, event: LifecycleEvent, patch: RecordPatch<R> = {}): Promise<R> {
    const from = record.state;
    const to = nextState(from, event, record.sandboxID);
    const next = patched(record, patch, to);
    if (to === 'killed') await this.opts.store.remove(next);
    else await this.opts.store.save(next);
    replaceInPlace(record, next);
    this.opts.onTransition?.(record, { from, event, to });
    return record;
  }

  /** Persists a change that keeps the state (a new lifetime, a network setting), then makes it in memory. */
  async update(record: R, patch: RecordPatch<R>): Promise<R> {
    const next = patched(record, patch, record.state);
    await this.opts.store.save(next);
    replaceInPlace(record, next);
    return record;
  }
}
