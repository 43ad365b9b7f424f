/**
 * The envd `process.Process` Connect service (e2b-protocol.md §4.3): Start, Connect, List,
 * SendInput, StreamInput, SendSignal, CloseStdin, Update.
 */
import { Code, ConnectError, type HandlerContext, type ServiceImpl } from '@connectrpc/connect';
import { existsSync, statSync } from 'node:fs';
import { create, type MessageInitShape } from '@bufbuild/protobuf';
import {
  ConnectResponseSchema,
  ProcessEventSchema,
  StartResponseSchema,
  type Process,
  type ProcessEvent,
  type ProcessSelector,
} from '../../../gen/envd/process/process_pb.js';
import { KEEPALIVE_PING_HEADER } from '../../../protocol/envd.js';
import { linuxSignalName } from '../../../protocol/signals.js';
import type { EnvdConfig } from '../config.js';
import { resolveSandboxPath, toHostPath } from '../paths.js';
import { sandboxEnv } from '../server.js';
import { basicUserName, resolveUser } from '../users.js';
import { ManagedProcess, type ProcessItem } from './managed.js';

/** How long an ended process stays known, so a late Connect still gets its end (envd: 30 s). */
const RETAIN_ENDED_MS = 30_000;
/** Keepalive interval when the client asks for none (envd's default: 90 s). */
const DEFAULT_KEEPALIVE_S = 90;

/** Signal numbers SendSignal accepts. SIGTERM and SIGKILL are the protocol's; the rest are ours. */
const ALLOWED_SIGNALS = new Set([1, 2, 3, 9, 10, 12, 15, 18, 19, 20]);

/**
 * The host's name for a signal the wire numbers as Linux does. Node takes a name and numbers it
 * as the host does, so 10 (SIGUSR1) reaches a process on macOS as SIGUSR1 (30 there), not as
 * SIGBUS (10 there).
 */
export function hostSignal(linuxNumber: number): NodeJS.Signals {
  const name = linuxSignalName(linuxNumber);
  if (!name) throw new ConnectError(`invalid signal: ${linuxNumber}`, Code.Unimplemented);
  return name as NodeJS.Signals;
}

export class ProcessTable {
  readonly byPid = new Map<number, ManagedProcess>();

  add(proc: ManagedProcess): void {
    this.byPid.set(proc.pid, proc);
    void proc.done.then(() => {
      const timer = setTimeout(() => {
        if (this.byPid.get(proc.pid) === proc) this.byPid.delete(proc.pid);
      }, RETAIN_ENDED_MS);
      timer.unref();
    });
  }

  /** The process a selector names; Connect `not_found` like envd otherwise. */
  find(selector: ProcessSelector | undefined, { includeEnded = false } = {}): ManagedProcess {
    const sel = selector?.selector;
    let proc: ManagedProcess | undefined;
    if (sel?.case === 'pid') proc = this.byPid.get(sel.value);
    else if (sel?.case === 'tag') proc = [...this.byPid.values()].find((p) => p.tag === sel.value && (includeEnded || !p.end));
    else throw new ConnectError('process selector is required', Code.InvalidArgument);
    if (!proc || (proc.end && !includeEnded)) {
      const what = sel.case === 'pid' ? `pid ${sel.value}` : `tag ${sel.value}`;
      throw new ConnectError(`process with ${what} not found`, Code.NotFound);
    }
    return proc;
  }
}

function keepaliveMs(ctx: HandlerContext): number {
  const raw = Number(ctx.requestHeader.get(KEEPALIVE_PING_HEADER));
  return (Number.isFinite(raw) && raw > 0 ? raw : DEFAULT_KEEPALIVE_S) * 1000;
}

function deadlineReached(ctx: HandlerContext): boolean {
  const reason: unknown = ctx.signal.reason;
  return reason instanceof ConnectError && reason.code === Code.DeadlineExceeded;
}

type EventInit = NonNullable<MessageInitShape<typeof ProcessEventSchema>['event']>;

const event = (init: EventInit): ProcessEvent => create(ProcessEventSchema, { event: init });

function toEvent(item: ProcessItem): ProcessEvent {
  if (item.kind === 'data') return event({ case: 'data', value: { output: { case: item.stream, value: item.data } } });
  return event({ case: 'end', value: item.end });
}

/**
 * Streams a process's events to one client: start, then data and keepalives, then end. When
 * `killOnDeadline`, the client's deadline (Connect-Timeout-Ms) kills the process, as for Start.
 */
async function* follow(proc: ManagedProcess, ctx: HandlerContext, killOnDeadline: boolean): AsyncGenerator<ProcessEvent> {
  const sub = proc.subscribe();
  const idle = keepaliveMs(ctx);
  try {
    yield event({ case: 'start', value: { pid: proc.pid } });
    if (proc.end) {
      yield event({ case: 'end', value: proc.end });
      return;
    }
    for (;;) {
      const next = await sub.next(idle, ctx.signal);
      if (next === 'idle') {
        yield event({ case: 'keepalive', value: {} });
        continue;
      }
      if (next === 'aborted') {
        if (deadlineReached(ctx)) {
          if (killOnDeadline) proc.signal('SIGKILL');
          throw new ConnectError('the process ran past the request deadline', Code.DeadlineExceeded);
        }
        // the client went away; the process keeps running
        return;
      }
      // The deadline's kill timer and the stream's deadline fire together: whichever the event
      // loop runs first, a process the deadline ended is reported as a deadline, never as an exit.
      if (next.kind === 'end' && killOnDeadline && (deadlineKilled.has(proc) || deadlineReached(ctx))) {
        throw new ConnectError('the process ran past the request deadline', Code.DeadlineExceeded);
      }
      yield toEvent(next);
      if (next.kind === 'end') return;
    }
  } finally {
    proc.unsubscribe(sub);
  }
}

const SIGKILL_NUMBER = 9;
/** Processes their Start request's deadline killed. */
const deadlineKilled = new WeakSet<ManagedProcess>();
/** Longest a kill waits for the process to be reaped before answering anyway. */
const KILL_WAIT_MS = 5000;

export function createProcessService(config: () => EnvdConfig, table: ProcessTable): ServiceImpl<typeof Process> {
  return {
    async *start(req, ctx) {
      const conf = config();
      const user = resolveUser(conf, basicUserName(ctx.requestHeader.get('authorization')));
      const spec = req.process;
      if (!spec?.cmd) throw new ConnectError('process.cmd is required', Code.InvalidArgument);
      const cwdRaw = spec.cwd ?? conf.defaultWorkdir;
      const cwd = cwdRaw ? resolveSandboxPath(cwdRaw, user) : user.home;
      const hostCwd = toHostPath(conf, cwd);
      if (!existsSync(hostCwd) || !statSync(hostCwd).isDirectory()) {
        throw new ConnectError(`cwd '${cwd}' does not exist`, Code.InvalidArgument);
      }
      const home = toHostPath(conf, user.home);
      const env: Record<string, string> = {
        PATH: conf.path,
        HOME: home,
        USER: user.name,
        LOGNAME: user.name,
        ...sandboxEnv(conf),
        ...conf.processEnv,
        ...spec.envs,
      };
      const ids = process.getuid?.() === 0 ? { uid: user.uid, gid: user.gid } : {};
      let proc: ManagedProcess;
      try {
        const options = {
          spec: { cmd: spec.cmd, args: [...spec.args], envs: { ...spec.envs }, ...(spec.cwd !== undefined ? { cwd: spec.cwd } : {}) },
          env,
          hostCwd,
          ...ids,
          // Absent means a stdin pipe (envd's legacy default); false means /dev/null.
          stdin: req.stdin !== false,
          ...(req.tag !== undefined ? { tag: req.tag } : {}),
        };
        proc = req.pty
          ? await ManagedProcess.spawnPty({ ...options, cols: req.pty.size?.cols ?? 80, rows: req.pty.size?.rows ?? 24 })
          : await ManagedProcess.spawn(options);
      } catch (error) {
        throw new ConnectError(`failed to start process: ${(error as Error).message}`, Code.InvalidArgument);
      }
      table.add(proc);
      // The process lives under the request's deadline whether or not the client is still there.
      const deadline = ctx.timeoutMs();
      if (deadline !== undefined) {
        const timer = setTimeout(
          () => {
            if (!proc.end) deadlineKilled.add(proc);
            proc.signal('SIGKILL');
          },
          Math.max(0, deadline),
        );
        timer.unref();
        void proc.done.then(() => clearTimeout(timer));
      }
      for await (const ev of follow(proc, ctx, true)) yield create(StartResponseSchema, { event: ev });
    },

    async *connect(req, ctx) {
      const proc = table.find(req.process, { includeEnded: true });
      for await (const ev of follow(proc, ctx, false)) yield create(ConnectResponseSchema, { event: ev });
    },

    list() {
      return {
        processes: [...table.byPid.values()]
          .filter((p) => !p.end)
          .map((p) => ({
            pid: p.pid,
            config: { cmd: p.spec.cmd, args: p.spec.args, envs: p.spec.envs, ...(p.spec.cwd !== undefined ? { cwd: p.spec.cwd } : {}) },
            ...(p.tag !== undefined ? { tag: p.tag } : {}),
          })),
      };
    },

    async sendInput(req) {
      const proc = table.find(req.process);
      const input = req.input?.input;
      if (input?.case === 'pty') {
        try {
          await proc.writePty(input.value);
        } catch (error) {
          throw new ConnectError(`error writing to pty: ${(error as Error).message}`, Code.Internal);
        }
        return {};
      }
      if (input?.case !== 'stdin') return {};
      try {
        await proc.writeStdin(input.value);
      } catch (error) {
        throw new ConnectError(`error writing to stdin: ${(error as Error).message}`, Code.Internal);
      }
      return {};
    },

    async streamInput(requests) {
      let proc: ManagedProcess | undefined;
      for await (const req of requests) {
        const event = req.event;
        if (event.case === 'start') proc = table.find(event.value.process);
        else if (event.case === 'data') {
          if (!proc) throw new ConnectError('the first message must be start', Code.InvalidArgument);
          const input = event.value.input?.input;
          if (input?.case === 'stdin' || input?.case === 'pty') {
            try {
              await (input.case === 'pty' ? proc.writePty(input.value) : proc.writeStdin(input.value));
            } catch (error) {
              throw new ConnectError(`error writing to ${input.case}: ${(error as Error).message}`, Code.Internal);
            }
          }
        }
      }
      return {};
    },

    async sendSignal(req) {
      const proc = table.find(req.process);
      const signal = Number(req.signal);
      if (!ALLOWED_SIGNALS.has(signal)) throw new ConnectError(`invalid signal: ${req.signal}`, Code.Unimplemented);
      // the wire numbers signals as Linux does; the host is told the name (see hostSignal)
      proc.signal(hostSignal(signal));
      // A kill answers once the process is reaped, as E2B's envd does: right after kill()
      // returns, `kill -0 PID` in the sandbox no longer finds it. Bounded: a process stuck in
      // uninterruptible sleep must not hang the call.
      if (signal === SIGKILL_NUMBER) await Promise.race([proc.reaped, new Promise((r) => setTimeout(r, KILL_WAIT_MS).unref())]);
      return {};
    },

    closeStdin(req) {
      const proc = table.find(req.process);
      try {
        proc.closeStdin();
      } catch (error) {
        throw new ConnectError((error as Error).message, Code.Unknown);
      }
      return {};
    },

    update(req) {
      const proc = table.find(req.process);
      if (!proc.pty) throw new ConnectError('error resizing tty: tty not assigned to process', Code.Internal);
      const size = req.pty?.size;
      if (size) proc.resize(size.cols, size.rows);
      return {};
    },
  };
}
