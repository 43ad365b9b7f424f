/**
 * Commands in a sandbox, over envd's `process.Process` service: run to completion, start in the
 * background, attach to a running process, list, signal, feed stdin.
 *
 * Output is bytes end to end: `onOutput` and the `stdout`/`stderr` iterables hand out the exact
 * bytes the process wrote (nothing decoded, nothing normalized); the string forms (`onStdout`,
 * the result's `stdout`) are decoded incrementally as UTF-8, as the official SDK does.
 */
import type { CallOptions as ConnectCallOptions, Client, ConnectError } from '@connectrpc/connect';
import type { MessageInitShape } from '@bufbuild/protobuf';
import type { Process, ProcessEvent, Signal, StartRequestSchema } from '../gen/envd/process/process_pb.js';

type StartRequestInit = MessageInitShape<typeof StartRequestSchema>;
import type { CallOptions } from './config.js';
import {
  CommandExitError,
  ConnectionError,
  SandboxError,
  SandboxNotFoundError,
  SandboxRestartingError,
  TimeoutError,
  connectCodeName,
  errorFromConnect,
  restartingError,
  type CommandResult,
  type ConnectErrorOverrides,
} from './errors.js';
import { rpcCallHeaders } from './transport/envd.js';
import { GO_SIGNAL_NAMES, SIGNAL_NUMBERS, type SignalName } from '../protocol/signals.js';
import type { Sandbox } from './sandbox.js';

type RpcRuntime = typeof import('./transport/rpc-runtime.js');
let runtime: Promise<RpcRuntime> | undefined;
/** connect-es and the generated descriptors, loaded on the first envd call. */
const rpc = (): Promise<RpcRuntime> => (runtime ??= import('./transport/rpc-runtime.js'));

/** Whether an error is a Connect error (checked without loading connect-es eagerly). */
function isConnectError(error: unknown): error is ConnectError {
  return error instanceof Error && error.name === 'ConnectError' && typeof (error as { code?: unknown }).code === 'number';
}

/** Which output stream a chunk came from. */
export type OutputStream = 'stdout' | 'stderr' | 'pty';

/** Default lifetime of a command's stream, as the official SDK (0 disables it). */
export const DEFAULT_COMMAND_TIMEOUT_MS = 60_000;

/** Options of `commands.run` / `commands.start`. */
export interface CommandStartOpts extends CallOptions {
  /**
   * Arguments of `cmd`, passed exactly (no word splitting, no globbing): `cmd` is then the
   * program, run through a login shell so the sandbox's PATH applies. Without `args`, `cmd`
   * is a shell command line.
   */
  args?: string[];
  /** Working directory. @default the user's home */
  cwd?: string;
  /** Sandbox user to run as. @default the sandbox's default user (`user`) */
  user?: string;
  /** Extra environment variables of the process. */
  envs?: Record<string, string>;
  /**
   * Deadline of the command in ms: at the deadline the process is killed and the call throws
   * TimeoutError. 0 means none. @default 60000, the official SDK's value
   */
  timeoutMs?: number;
  /** Give the process a stdin pipe (feed it with sendStdin / the handle). @default false */
  stdin?: boolean;
  /** Return the handle at once instead of waiting for the end (run only). */
  background?: boolean;
  /** A tag to find the process by later. */
  tag?: string;
  /** Receives stdout decoded as UTF-8, chunk by chunk. */
  onStdout?: (data: string) => void | Promise<void>;
  /** Receives stderr decoded as UTF-8, chunk by chunk. */
  onStderr?: (data: string) => void | Promise<void>;
  /**
   * Receives every output chunk as raw bytes, in order. A returned promise is awaited before
   * the next chunk is read, so a slow consumer slows the process instead of piling up memory.
   */
  onOutput?: (stream: OutputStream, data: Uint8Array) => void | Promise<void>;
  /** Keep the output as strings for the result. @default true; false for unbounded output */
  collect?: boolean;
}

/** Options of `commands.connect`. */
export interface CommandConnectOpts extends Omit<CommandStartOpts, 'args' | 'cwd' | 'user' | 'envs' | 'stdin' | 'background' | 'tag'> {}

/** A process as `commands.list` reports it. */
export interface ProcessInfo {
  pid: number;
  tag?: string;
  cmd: string;
  args: string[];
  envs: Record<string, string>;
  cwd?: string;
}

/**
 * Signals `sendSignal` can send, and their numbers in the sandbox (Linux numbering). SIGTERM and
 * SIGKILL are E2B's; others need an envd that accepts them. Defined in src/protocol/signals.ts.
 */
export { SIGNAL_NUMBERS, type SignalName };

/** Go's (envd's) names of signals in end statuses, to recover the signal number. */
const STATUS_SIGNALS: Record<string, number> = Object.fromEntries(Object.entries(GO_SIGNAL_NAMES).map(([number, name]) => [name, Number(number)]));

/** The result of a finished command. */
export interface CommandFinished extends CommandResult {
  /** Number of the signal that killed the process, when one did. */
  signal?: number;
}

/** The signal number in an envd end status like "signal: killed" (undefined for normal exits). */
export function signalFromStatus(status: string): number | undefined {
  const match = /^signal: ([^(]+?)(?: \(core dumped\))?$/.exec(status.trim());
  if (!match) return undefined;
  const name = match[1];
  if (name in STATUS_SIGNALS) return STATUS_SIGNALS[name];
  const numeric = /^signal (\d+)$/.exec(name);
  return numeric ? Number(numeric[1]) : undefined;
}

/** The shell line that runs `program args…` exactly, through a login shell. */
export function execArgv(program: string, args: readonly string[]): { cmd: string; args: string[] } {
  // bash -c 'exec "$0" "$@"' prog a b: bash sets $0=prog, $@=(a b) and execs them verbatim.
  return { cmd: '/bin/bash', args: ['-l', '-c', 'exec "$0" "$@"', program, ...args] };
}

/** A minimal single-consumer async queue. */
class ByteQueue implements AsyncIterable<Uint8Array> {
  private readonly items: Uint8Array[] = [];
  private done = false;
  private failure: unknown;
  private wake: (() => void) | undefined;

  push(item: Uint8Array): void {
    this.items.push(item);
    this.wake?.();
  }

  end(error?: unknown): void {
    this.done = true;
    this.failure = error;
    this.wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array> {
    for (;;) {
      const item = this.items.shift();
      if (item) {
        yield item;
        continue;
      }
      if (this.done) {
        if (this.failure) throw this.failure;
        return;
      }
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
      this.wake = undefined;
    }
  }
}

/**
 * Maps a failure of a process stream to the library's errors. `attached`: the stream is a
 * Connect to a running process, whose deadline ends only the stream (a Start's deadline kills
 * the process too, §4.3).
 */
async function streamError(error: unknown, sandbox: Sandbox, sawStart: boolean, attached = false): Promise<SandboxError> {
  if (error instanceof SandboxError) return error;
  if (isConnectError(error)) {
    const restarting = restartingError({ headers: error.metadata }, error);
    if (restarting) return restarting;
    const name = connectCodeName(error.code);
    if (name === 'deadline_exceeded') {
      return new TimeoutError(
        attached ? 'the connection to the process ran past its timeout (the process keeps running)' : 'the command ran past its timeout and was killed',
        { cause: error },
      );
    }
    if (name === 'unknown' || name === 'internal' || name === 'unavailable' || name === 'canceled' || name === 'aborted') {
      // A dropped connection: tell apart "the sandbox is gone" (or restarting) from a network blip.
      const alive = await sandbox.isRunning().catch((e: unknown) => (e instanceof SandboxRestartingError || e instanceof ConnectionError ? e : true));
      if (alive instanceof SandboxRestartingError) {
        return new SandboxRestartingError("the sandbox's envd stopped while the command ran (the command was lost) and is starting again on the same files", {
          cause: error,
        });
      }
      // Not even the health check gets through: the backend (or the network to it) is down, which
      // says more than the stream's own "aborted".
      if (alive instanceof ConnectionError) {
        return new ConnectionError(
          `the connection to the sandbox broke while the command ran, and now ${alive.message}: the backend or the network to it is down (the command may still be running)`,
          { cause: error },
        );
      }
      if (name === 'unavailable' && !sawStart) {
        return new SandboxNotFoundError('the sandbox is probably not running anymore', { cause: error });
      }
      if (!alive) {
        return new TimeoutError('the sandbox was killed or reached its end of life while the command ran', { cause: error });
      }
    }
    return errorFromConnect(name, error.rawMessage, error);
  }
  return new SandboxError(error instanceof Error ? error.message : String(error), { cause: error });
}

/** A started (or attached) process. */
export class CommandHandle {
  readonly pid: number;
  readonly #events: AsyncIterator<ProcessEvent>;
  readonly #abort: AbortController;
  readonly #commands: Commands;
  readonly #opts: CommandStartOpts | CommandConnectOpts;
  readonly #attached: boolean;
  #queues: { stdout?: ByteQueue; stderr?: ByteQueue } = {};
  #pump?: Promise<CommandFinished>;
  #stdout = '';
  #stderr = '';
  #decoders = { stdout: new TextDecoder(), stderr: new TextDecoder() };
  #result?: CommandFinished;

  /** @internal created by Commands; `attached` for a handle from connect (not start) */
  constructor(
    pid: number,
    events: AsyncIterator<ProcessEvent>,
    abort: AbortController,
    commands: Commands,
    opts: CommandStartOpts | CommandConnectOpts,
    attached = false,
  ) {
    this.pid = pid;
    this.#events = events;
    this.#abort = abort;
    this.#commands = commands;
    this.#opts = opts;
    this.#attached = attached;
    if (opts.onOutput || opts.onStdout || opts.onStderr) void this.#run().catch(() => {});
  }

  /**
   * The stdout collected so far, decoded as UTF-8 (the official SDK's `stdout`); the whole output
   * once the command has ended. Empty when `collect: false`.
   */
  get stdout(): string {
    return this.#stdout;
  }

  /** The stderr collected so far, decoded as UTF-8 (the official SDK's `stderr`). */
  get stderr(): string {
    return this.#stderr;
  }

  /** The exit code once the command has ended; undefined while it runs (as the official SDK). */
  get exitCode(): number | undefined {
    return this.#result?.exitCode;
  }

  /** The error envd reported for the command, once it has ended. */
  get error(): string | undefined {
    return this.#result?.error;
  }

  /**
   * The process's stdout as raw bytes, from now on (take it right after start to get them all).
   * An addition to the official SDK, whose handle offers only the decoded `stdout` string.
   */
  get stdoutStream(): AsyncIterable<Uint8Array> {
    this.#queues.stdout ??= this.#lazyQueue();
    return this.#queues.stdout;
  }

  /** The process's stderr as raw bytes, from now on (see {@link stdoutStream}). */
  get stderrStream(): AsyncIterable<Uint8Array> {
    this.#queues.stderr ??= this.#lazyQueue();
    return this.#queues.stderr;
  }

  #lazyQueue(): ByteQueue {
    const queue = new ByteQueue();
    const iterate = queue[Symbol.asyncIterator].bind(queue);
    // Reading the iterable starts the stream pump, if nothing else has.
    queue[Symbol.asyncIterator] = () => {
      void this.#run().catch(() => {});
      return iterate();
    };
    return queue;
  }

  /** Reads the stream to the end event. Runs once, however many callers ask. */
  #run(): Promise<CommandFinished> {
    this.#pump ??= (async () => {
      const collect = this.#opts.collect !== false;
      try {
        for (;;) {
          const next = await this.#events.next();
          if (next.done) throw new SandboxError('the process stream ended without a result (connection closed)');
          const event = next.value.event;
          if (event.case === 'data') {
            const out = event.value.output;
            // after disconnect() nothing more is handed out, even what was already in flight
            if (!out.case || this.#abort.signal.aborted) continue;
            const stream = out.case;
            const bytes = out.value;
            if (this.#opts.onOutput) await this.#opts.onOutput(stream, bytes);
            if (stream === 'stdout' || stream === 'stderr') {
              this.#queues[stream]?.push(bytes);
              const callback = stream === 'stdout' ? this.#opts.onStdout : this.#opts.onStderr;
              if (collect || callback) {
                const text = this.#decoders[stream].decode(bytes, { stream: true });
                if (collect) {
                  if (stream === 'stdout') this.#stdout += text;
                  else this.#stderr += text;
                }
                if (callback && text) await callback(text);
              }
            }
          } else if (event.case === 'end') {
            const end = event.value;
            const result: CommandFinished = { exitCode: end.exitCode, stdout: this.#stdout, stderr: this.#stderr };
            if (end.error) result.error = end.error;
            const signal = signalFromStatus(end.status);
            if (signal !== undefined) result.signal = signal;
            this.#result = result;
            this.#queues.stdout?.end();
            this.#queues.stderr?.end();
            // Read the stream's closing frame too: an HTTP/1.1 response left unread keeps its
            // connection (and so the process) alive until the server times it out.
            void (async () => {
              for (;;) if ((await this.#events.next()).done) return;
            })().catch(() => {});
            return result;
          }
          // start and keepalive events carry nothing for us
        }
      } catch (error) {
        const mapped =
          this.#abort.signal.aborted && !(error instanceof SandboxError)
            ? new SandboxError('disconnected from the process', { cause: error })
            : await streamError(error, this.#commands.sandbox, true, this.#attached);
        this.#queues.stdout?.end(mapped);
        this.#queues.stderr?.end(mapped);
        throw mapped;
      }
    })();
    return this.#pump;
  }

  /**
   * Waits for the end. Throws CommandExitError when the exit code is not 0 (the error carries
   * the result), TimeoutError when the command's deadline passed.
   */
  async wait(): Promise<CommandFinished> {
    const result = await this.#run();
    if (result.exitCode !== 0) throw new CommandExitError(result);
    return result;
  }

  /** Waits for the end and returns the result whatever the exit code. */
  finished(): Promise<CommandFinished> {
    return this.#run();
  }

  /** Kills the process (SIGKILL to its group): false when it had already ended. */
  kill(opts: CallOptions = {}): Promise<boolean> {
    return this.#commands.kill(this.pid, opts);
  }

  sendStdin(data: string | Uint8Array, opts: CallOptions = {}): Promise<void> {
    return this.#commands.sendStdin(this.pid, data, opts);
  }

  closeStdin(opts: CallOptions = {}): Promise<void> {
    return this.#commands.closeStdin(this.pid, opts);
  }

  /**
   * Stops receiving output; the process keeps running (reattach with commands.connect). No
   * callback fires for output that arrives after this call.
   */
  async disconnect(): Promise<void> {
    this.#abort.abort();
  }
}

/** `sandbox.commands`. */
export class Commands {
  #client?: Promise<Client<typeof Process>>;

  constructor(readonly sandbox: Sandbox) {}

  private client(): Promise<Client<typeof Process>> {
    this.#client ??= Promise.all([rpc(), this.sandbox.envdTransport()]).then(([{ createClient, Process }, transport]) => createClient(Process, transport));
    return this.#client;
  }

  private callOptions(opts: CallOptions & { user?: string }, stream = false): ConnectCallOptions {
    const headers = { ...rpcCallHeaders({ ...(opts.user ? { user: opts.user } : {}), stream }), ...(opts.headers ?? {}) };
    const call: ConnectCallOptions = { headers };
    if (opts.signal) call.signal = opts.signal;
    const timeout = opts.requestTimeoutMs ?? this.sandbox.config.requestTimeoutMs;
    if (!stream && timeout > 0) call.timeoutMs = timeout;
    return call;
  }

  private async unary<T>(fn: () => Promise<T>, overrides: ConnectErrorOverrides = {}): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      if (isConnectError(error)) throw errorFromConnect(connectCodeName(error.code), error.rawMessage, error, overrides);
      throw await streamError(error, this.sandbox, true);
    }
  }

  /** Opens a process event stream and waits for its start event. */
  private async open(
    call: (client: Client<typeof Process>, options: ConnectCallOptions) => AsyncIterable<{ event?: ProcessEvent | undefined }>,
    opts: CommandStartOpts | CommandConnectOpts,
    user?: string,
    attached = false,
  ): Promise<CommandHandle> {
    const client = await this.client();
    const abort = new AbortController();
    const signal = opts.signal ? AbortSignal.any([opts.signal, abort.signal]) : abort.signal;
    const options = this.callOptions({ ...opts, signal, ...(user ? { user } : {}) }, true);
    const timeoutMs = opts.timeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
    if (timeoutMs > 0) options.timeoutMs = timeoutMs;
    const stream = call(client, options)[Symbol.asyncIterator]();
    const events: AsyncIterator<ProcessEvent> = {
      next: async () => {
        const next = await stream.next();
        if (next.done) return { done: true, value: undefined };
        return { done: false, value: next.value.event as ProcessEvent };
      },
    };
    let first: IteratorResult<ProcessEvent>;
    try {
      first = await events.next();
    } catch (error) {
      throw await streamError(error, this.sandbox, false, attached);
    }
    if (first.done || first.value.event.case !== 'start') {
      throw new SandboxError('expected a start event from envd');
    }
    return new CommandHandle(first.value.event.value.pid, events, abort, this, opts, attached);
  }

  /** Starts a command and returns its handle at once. */
  async start(cmd: string, opts: CommandStartOpts = {}): Promise<CommandHandle> {
    const process = opts.args ? execArgv(cmd, opts.args) : { cmd: '/bin/bash', args: ['-l', '-c', cmd] };
    return this.startRaw(
      {
        process: { ...process, envs: opts.envs ?? {}, ...(opts.cwd !== undefined ? { cwd: opts.cwd } : {}) },
        stdin: opts.stdin ?? false,
        ...(opts.tag !== undefined ? { tag: opts.tag } : {}),
      },
      opts,
      opts.user,
    );
  }

  /** Starts a process from a raw StartRequest (commands and PTYs share this). */
  async startRaw(request: StartRequestInit, opts: CommandStartOpts | CommandConnectOpts, user?: string): Promise<CommandHandle> {
    return this.open((client, options) => client.start(request, options), opts, user);
  }

  /** Runs a command to its end (or, with `background`, returns its handle at once). */
  async run(cmd: string, opts: CommandStartOpts & { background: true }): Promise<CommandHandle>;
  async run(cmd: string, opts?: CommandStartOpts & { background?: false }): Promise<CommandFinished>;
  async run(cmd: string, opts: CommandStartOpts = {}): Promise<CommandFinished | CommandHandle> {
    const handle = await this.start(cmd, opts);
    return opts.background ? handle : handle.wait();
  }

  /** Attaches to a running process and streams what it prints from now on. */
  async connect(pid: number, opts: CommandConnectOpts = {}): Promise<CommandHandle> {
    return this.open((client, options) => client.connect({ process: { selector: { case: 'pid', value: pid } } }, options), opts, undefined, true);
  }

  /** Running processes of the sandbox. */
  async list(opts: CallOptions = {}): Promise<ProcessInfo[]> {
    const client = await this.client();
    const res = await this.unary(() => client.list({}, this.callOptions(opts)));
    return res.processes.map((p) => {
      const info: ProcessInfo = {
        pid: p.pid,
        cmd: p.config?.cmd ?? '',
        args: [...(p.config?.args ?? [])],
        envs: { ...(p.config?.envs ?? {}) },
      };
      if (p.tag !== undefined) info.tag = p.tag;
      if (p.config?.cwd !== undefined) info.cwd = p.config.cwd;
      return info;
    });
  }

  /** Sends a signal to a process's group: false when no such process runs. */
  async sendSignal(pid: number, signal: SignalName | number, opts: CallOptions = {}): Promise<boolean> {
    const number = typeof signal === 'number' ? signal : SIGNAL_NUMBERS[signal];
    const client = await this.client();
    try {
      await this.unary(() => client.sendSignal({ process: { selector: { case: 'pid', value: pid } }, signal: number as Signal }, this.callOptions(opts)), {
        not_found: (message) => new NotFoundSignal(message),
      });
      return true;
    } catch (error) {
      if (error instanceof NotFoundSignal) return false;
      throw error;
    }
  }

  /** Kills a process (SIGKILL): false when no such process runs. */
  kill(pid: number, opts: CallOptions = {}): Promise<boolean> {
    return this.sendSignal(pid, 'SIGKILL', opts);
  }

  /** Writes to a process's stdin (it must have been started with `stdin: true`). */
  async sendStdin(pid: number, data: string | Uint8Array, opts: CallOptions = {}): Promise<void> {
    const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
    await this.sendInput(pid, { case: 'stdin', value: bytes }, opts);
  }

  /** Sends input to a process: stdin bytes, or keystrokes for a PTY. */
  async sendInput(pid: number, input: { case: 'stdin' | 'pty'; value: Uint8Array }, opts: CallOptions = {}): Promise<void> {
    const client = await this.client();
    await this.unary(() => client.sendInput({ process: { selector: { case: 'pid', value: pid } }, input: { input } }, this.callOptions(opts)));
  }

  /**
   * Streams input to a process over one client-streaming call (envd's StreamInput): each chunk
   * costs one frame on an open request instead of a request of its own, which is what makes
   * keystrokes and large stdin fast. The source is pulled as the connection takes it, so a slow
   * sandbox slows the reader down. When envd or a proxy on the way cannot take a client stream,
   * falls back to one SendInput call per chunk (reading the source from where it stopped).
   */
  async streamInput(pid: number, source: AsyncIterable<Uint8Array>, kind: 'stdin' | 'pty' = 'stdin', opts: CallOptions = {}): Promise<void> {
    const client = await this.client();
    const iterator = source[Symbol.asyncIterator]();
    let sent = 0;
    async function* frames() {
      yield { event: { case: 'start' as const, value: { process: { selector: { case: 'pid' as const, value: pid } } } } };
      for (;;) {
        const next = await iterator.next();
        if (next.done) return;
        sent += 1;
        yield { event: { case: 'data' as const, value: { input: { input: { case: kind, value: next.value } } } } };
      }
    }
    const call = this.callOptions(opts, true);
    try {
      await client.streamInput(frames(), call);
      return;
    } catch (error) {
      // Refused before a single chunk went through: the path cannot stream; send one by one.
      const refused = isConnectError(error) && ['unimplemented', 'unavailable', 'unknown', 'internal'].includes(connectCodeName(error.code));
      if (!(refused && sent === 0)) {
        if (isConnectError(error)) throw errorFromConnect(connectCodeName(error.code), error.rawMessage, error);
        throw error;
      }
    }
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      await this.sendInput(pid, { case: kind, value: next.value }, opts);
    }
  }

  /** Changes a PTY's size. */
  async resizePty(pid: number, size: { cols: number; rows: number }, opts: CallOptions = {}): Promise<void> {
    const client = await this.client();
    await this.unary(() => client.update({ process: { selector: { case: 'pid', value: pid } }, pty: { size } }, this.callOptions(opts)));
  }

  /** Closes a process's stdin (it sees end of file). */
  /**
   * Whether the sandbox's envd can close a process's stdin (0.5.2 and later), as the official
   * SDK's getter of the same name; closeStdin refuses with a clear error where it cannot.
   */
  get supportsStdinClose(): boolean {
    return versionAtLeast(this.sandbox.envdVersion, '0.5.2');
  }

  async closeStdin(pid: number, opts: CallOptions = {}): Promise<void> {
    if (!this.supportsStdinClose) {
      throw new SandboxError(`the sandbox's envd ${this.sandbox.envdVersion} cannot close stdin (0.5.2 or later can): rebuild the template on a newer envd`);
    }
    const client = await this.client();
    await this.unary(() => client.closeStdin({ process: { selector: { case: 'pid', value: pid } } }, this.callOptions(opts)));
  }
}

/** Whether dotted version `have` is at least `want` (a version that does not parse counts as new). */
export function versionAtLeast(have: string, want: string): boolean {
  const parse = (v: string) => /^v?(\d+)\.(\d+)\.(\d+)/.exec(v)?.slice(1).map(Number);
  const a = parse(have);
  const b = parse(want);
  if (!a || !b) return true;
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] > b[i];
  return true;
}

/** Internal marker: a signal's target did not exist. */
class NotFoundSignal extends SandboxError {}
