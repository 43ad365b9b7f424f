/**
 * A fake envd that tests script: the generated Process and Filesystem services implemented in
 * memory and served through connect's `createRouterTransport` (ConnectionOptions.envdTransport),
 * plus envd's plain-HTTP `/files` route on the same MockAgent as the fake API
 * (ConnectionOptions.dispatcher). Each sandbox has its own files and processes.
 *
 * Processes: `onStart` decides what a started process does (its output, exit code, or that it
 * keeps running until killed or disconnected); every start, signal, stdin chunk and resize is
 * recorded. Files: a map of absolute paths; relative paths and `~` resolve in the home of the
 * user the call names (Basic auth, as envd reads it). Watches emit the events a test queued.
 */
import { create } from '@bufbuild/protobuf';
import { timestampFromMs } from '@bufbuild/protobuf/wkt';
import { Code, ConnectError, createRouterTransport, type HandlerContext, type ServiceImpl, type Transport } from '@connectrpc/connect';
import { posix } from 'node:path';
import type { MockAgent } from 'undici';
import { EntryInfoSchema, EventType, WatchDirResponseSchema, FileType, Filesystem, type EntryInfo } from '../../../src/gen/envd/filesystem/filesystem_pb.js';
import {
  Process,
  ProcessEventSchema,
  type CloseStdinRequest,
  type ConnectRequest,
  type ProcessEvent,
  type ProcessSelector,
  type SendInputRequest,
  type SendSignalRequest,
  type StartRequest,
  type StreamInputRequest,
  type UpdateRequest,
} from '../../../src/gen/envd/process/process_pb.js';
import type { EnvdTarget } from '../../../src/client/transport/envd.js';

/** envd's base URL in the fakes (every sandbox is routed by its E2b-Sandbox-Id header, as E2B's shared host). */
export const FAKE_ENVD_URL = 'https://envd.e2b.test';

const T0 = Date.parse('2026-01-02T03:04:05.000Z');

/** One start of a process, as envd received it. */
export interface StartCall {
  sandboxId: string;
  pid: number;
  /** The user of the call (Basic auth), or undefined for the default user. */
  user: string | undefined;
  cmd: string;
  args: string[];
  /** The program and its arguments when started through `bash -l -c 'exec "$0" "$@"'`, else the shell line as one word. */
  argv: string[];
  envs: Record<string, string>;
  cwd: string | undefined;
  tag: string | undefined;
  stdin: boolean;
  pty: { cols: number; rows: number } | undefined;
}

/** What a started (or connected-to) process does. */
export interface ProcessScript {
  stdout?: string | Buffer;
  stderr?: string | Buffer;
  pty?: string | Buffer;
  /** Exit code (default 0); ignored with `signal`. */
  exitCode?: number;
  /** Ends killed by this signal, envd's wording: 'killed', 'terminated', 'interrupt'. */
  signal?: string;
  /** Keeps running (listed, signalable) until killed or the client goes away. */
  keepRunning?: boolean;
  /** As `cat`: runs until its stdin is closed, then writes what it read to stdout. */
  echoStdin?: boolean;
}

export interface FakeFile {
  type: 'file' | 'dir';
  content: Buffer;
  mode: number;
  owner: string;
  group: string;
  symlinkTarget?: string;
}

interface Running {
  pid: number;
  call: StartCall;
  /** Ends the process's streams. */
  end(script?: ProcessScript): void;
  ended: Promise<ProcessScript>;
}

/** The state of one sandbox's envd. */
export class FakeSandboxEnvd {
  readonly files = new Map<string, FakeFile>();
  readonly starts: StartCall[] = [];
  readonly signals: Array<{ pid: number; signal: number }> = [];
  readonly stdin: Array<{ pid: number; data: Buffer }> = [];
  readonly closedStdin: number[] = [];
  readonly resizes: Array<{ pid: number; cols: number; rows: number }> = [];
  readonly running = new Map<number, Running>();
  /** Wakes a process waiting for the end of its stdin (echoStdin). */
  readonly stdinClosed = new Map<number, () => void>();
  /** Processes started elsewhere (before the test), listed and attachable. */
  readonly existing = new Map<number, { cmd: string; args: string[]; tag?: string; cwd?: string; script: ProcessScript }>();
  /** Events the next watch emits (then it waits for the client to go away). */
  watchEvents: Array<{ name: string; type: 'create' | 'write' | 'remove' | 'rename' | 'chmod' }> = [];
  /** Called once a watch has emitted its events (tests interrupt there). */
  onWatched: () => void = () => {};
  onStart: (call: StartCall) => ProcessScript = () => ({});
  nextPid = 100;

  constructor(readonly sandboxId: string) {
    for (const dir of ['/', '/home', '/home/user', '/root', '/tmp']) this.files.set(dir, dirEntry(dir.startsWith('/root') ? 'root' : 'user'));
  }

  /** Adds files: `{'/home/user/a.txt': 'hi', '/home/user/dir/': ''}` (a trailing slash makes a folder). */
  put(files: Record<string, string>): this {
    for (const [path, content] of Object.entries(files)) {
      const clean = path.replace(/\/+$/, '') || '/';
      for (let dir = posix.dirname(clean); !this.files.has(dir); dir = posix.dirname(dir)) this.files.set(dir, dirEntry('user'));
      this.files.set(clean, path.endsWith('/') ? dirEntry('user') : { type: 'file', content: Buffer.from(content), mode: 0o644, owner: 'user', group: 'user' });
    }
    return this;
  }

  /** The bytes of a file, or undefined. */
  read(path: string): string | undefined {
    return this.files.get(path)?.content.toString('utf8');
  }
}

function dirEntry(owner: string): FakeFile {
  return { type: 'dir', content: Buffer.alloc(0), mode: 0o755, owner, group: owner };
}

/** The user a call names (Basic auth with an empty password), as envd reads it. */
function userOf(authorization: string | null | undefined): string | undefined {
  const match = /^Basic (.+)$/.exec(authorization ?? '');
  if (!match) return undefined;
  return Buffer.from(match[1]!, 'base64').toString('utf8').replace(/:$/, '');
}

function homeOf(user: string | undefined): string {
  return user === 'root' ? '/root' : '/home/user';
}

/** A path as envd resolves it for a user. */
export function resolvePath(path: string, user: string | undefined): string {
  const home = homeOf(user);
  if (path === '' || path === '~') return home;
  if (path.startsWith('~/')) return posix.join(home, path.slice(2));
  return posix.resolve(home, path);
}

function argvOf(cmd: string, args: readonly string[]): string[] {
  if (cmd === '/bin/bash' && args[0] === '-l' && args[1] === '-c') return args[2] === 'exec "$0" "$@"' ? args.slice(3) : [args.slice(2).join(' ')];
  return [cmd, ...args];
}

const EVENT_TYPES = { create: EventType.CREATE, write: EventType.WRITE, remove: EventType.REMOVE, rename: EventType.RENAME, chmod: EventType.CHMOD } as const;

function notFound(path: string): ConnectError {
  return new ConnectError(`path not found: ${path}: no such file or directory`, Code.NotFound);
}

export class FakeEnvd {
  readonly sandboxes = new Map<string, FakeSandboxEnvd>();

  /** Also serves envd's `/files` on `agent` (the fake API's MockAgent). */
  constructor(agent: MockAgent) {
    agent
      .get(FAKE_ENVD_URL)
      .intercept({ path: () => true, method: () => true })
      .reply((opts) => {
        const headers = Object.fromEntries(Object.entries((opts.headers ?? {}) as Record<string, string>).map(([k, v]) => [k.toLowerCase(), String(v)]));
        const reply = this.files(opts.method, opts.path, headers, opts.body);
        return { statusCode: reply.status, data: () => reply.body, responseOptions: { headers: reply.headers ?? {} } };
      })
      .persist();
  }

  /** The envd state of a sandbox (made on first use). */
  sandbox(sandboxId: string): FakeSandboxEnvd {
    let state = this.sandboxes.get(sandboxId);
    if (!state) {
      state = new FakeSandboxEnvd(sandboxId);
      this.sandboxes.set(sandboxId, state);
    }
    return state;
  }

  /** ConnectionOptions.envdTransport: an in-memory transport to the target sandbox's envd. */
  readonly transport = (target: EnvdTarget): Transport => {
    const state = this.sandbox(target.sandboxId);
    return createRouterTransport((router) => {
      router.service(Process, processService(state));
      router.service(Filesystem, filesystemService(state));
    });
  };

  private files(
    method: string,
    fullPath: string,
    headers: Record<string, string>,
    body: unknown,
  ): { status: number; body: Promise<unknown>; headers?: Record<string, string> } {
    const state = this.sandbox(headers['e2b-sandbox-id'] ?? '');
    const url = new URL(fullPath, FAKE_ENVD_URL);
    const user = url.searchParams.get('username') ?? undefined;
    const path = resolvePath(url.searchParams.get('path') ?? '', user);
    const json = (status: number, value: unknown) => ({ status, body: Promise.resolve(value), headers: { 'content-type': 'application/json' } });
    if (url.pathname !== '/files') return json(404, { code: 404, message: `no route ${url.pathname}` });
    if (method === 'GET') {
      const file = state.files.get(path);
      if (!file) return json(404, { code: 404, message: `path not found: ${path}` });
      if (file.type === 'dir') return json(400, { code: 400, message: `path is a directory: ${path}` });
      return { status: 200, body: Promise.resolve(file.content), headers: { 'content-type': 'application/octet-stream' } };
    }
    // POST: one file, the body as it is (the CLI sends octet-stream)
    const written = (async () => {
      const chunks: Buffer[] = [];
      if (typeof body === 'string') chunks.push(Buffer.from(body));
      else if (body instanceof Uint8Array) chunks.push(Buffer.from(body));
      else if (body) for await (const chunk of body as AsyncIterable<Buffer | string>) chunks.push(Buffer.from(chunk));
      state.put({ [path]: '' });
      state.files.get(path)!.content = Buffer.concat(chunks);
      return [{ name: posix.basename(path), type: 'file', path }];
    })();
    return { status: 200, body: written, headers: { 'content-type': 'application/json' } };
  }
}

function entryOf(path: string, file: FakeFile): EntryInfo {
  return create(EntryInfoSchema, {
    name: posix.basename(path),
    type: file.type === 'dir' ? FileType.DIRECTORY : FileType.FILE,
    path,
    size: BigInt(file.content.length),
    mode: file.mode,
    permissions: `${file.type === 'dir' ? 'd' : '-'}${file.mode.toString(8)}`,
    owner: file.owner,
    group: file.group,
    modifiedTime: timestampFromMs(T0),
    ...(file.symlinkTarget !== undefined ? { symlinkTarget: file.symlinkTarget } : {}),
  });
}

function filesystemService(state: FakeSandboxEnvd): ServiceImpl<typeof Filesystem> {
  const at = (path: string, ctx: HandlerContext) => resolvePath(path, userOf(ctx.requestHeader.get('authorization')));
  return {
    async stat(req: { path: string }, ctx: HandlerContext) {
      const path = at(req.path, ctx);
      const file = state.files.get(path);
      if (!file) throw notFound(path);
      return { entry: entryOf(path, file) };
    },
    async listDir(req: { path: string; depth: number }, ctx: HandlerContext) {
      const path = at(req.path, ctx);
      if (state.files.get(path)?.type !== 'dir') throw notFound(path);
      const prefix = path === '/' ? '/' : `${path}/`;
      const entries = [...state.files]
        .filter(([p]) => p !== path && p.startsWith(prefix) && p.slice(prefix.length).split('/').length <= Math.max(1, req.depth))
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([p, f]) => entryOf(p, f));
      return { entries };
    },
    async makeDir(req: { path: string }, ctx: HandlerContext) {
      const path = at(req.path, ctx);
      if (state.files.has(path)) throw new ConnectError(`directory already exists: ${path}`, Code.AlreadyExists);
      state.put({ [`${path}/`]: '' });
      return { entry: entryOf(path, state.files.get(path)!) };
    },
    async move(req: { source: string; destination: string }, ctx: HandlerContext) {
      const from = at(req.source, ctx);
      const to = at(req.destination, ctx);
      if (!state.files.has(from)) throw notFound(from);
      for (const [p, f] of [...state.files]) {
        if (p !== from && !p.startsWith(`${from}/`)) continue;
        state.files.delete(p);
        state.files.set(to + p.slice(from.length), f);
      }
      return { entry: entryOf(to, state.files.get(to)!) };
    },
    async remove(req: { path: string }, ctx: HandlerContext) {
      const path = at(req.path, ctx);
      for (const p of [...state.files.keys()]) if (p === path || p.startsWith(`${path}/`)) state.files.delete(p);
      return {};
    },
    async *watchDir(req: { path: string }, ctx: HandlerContext) {
      const path = at(req.path, ctx);
      if (state.files.get(path)?.type !== 'dir') throw notFound(path);
      yield create(WatchDirResponseSchema, { event: { case: 'start', value: {} } });
      for (const e of state.watchEvents)
        yield create(WatchDirResponseSchema, { event: { case: 'filesystem', value: { name: e.name, type: EVENT_TYPES[e.type] } } });
      state.onWatched();
      // a watch runs until the client stops it
      await new Promise<void>((resolve) => (ctx.signal.aborted ? resolve() : ctx.signal.addEventListener('abort', () => resolve(), { once: true })));
    },
    async createWatcher() {
      throw new ConnectError('not in the fake', Code.Unimplemented);
    },
    async getWatcherEvents() {
      throw new ConnectError('not in the fake', Code.Unimplemented);
    },
    async removeWatcher() {
      throw new ConnectError('not in the fake', Code.Unimplemented);
    },
  };
}

/** One message of a process stream (StartResponse and ConnectResponse are both `{ event }`). */
type Out = { event: ProcessEvent };

function startEvent(pid: number): Out {
  return { event: create(ProcessEventSchema, { event: { case: 'start', value: { pid } } }) };
}

function* outputEvents(script: ProcessScript): Generator<Out> {
  for (const stream of ['stdout', 'stderr', 'pty'] as const) {
    const data = script[stream];
    if (data !== undefined && data.length > 0)
      yield { event: create(ProcessEventSchema, { event: { case: 'data', value: { output: { case: stream, value: Buffer.from(data) } } } }) };
  }
  if (script.signal) {
    const status = `signal: ${script.signal}`;
    yield { event: create(ProcessEventSchema, { event: { case: 'end', value: { exitCode: -1, exited: false, status, error: status } } }) };
  } else {
    const code = script.exitCode ?? 0;
    yield {
      event: create(ProcessEventSchema, {
        event: { case: 'end', value: { exitCode: code, exited: true, status: `exit status ${code}`, ...(code ? { error: `exit status ${code}` } : {}) } },
      }),
    };
  }
}

function processService(state: FakeSandboxEnvd): ServiceImpl<typeof Process> {
  /** The process a request selects; `ended` also accepts one that already ended (its stdin may still be arriving). */
  const pidOf = (req: { process?: ProcessSelector | undefined }, ended = false) => {
    const selector = req.process?.selector;
    const pid = selector?.case === 'pid' ? (selector.value as number) : undefined;
    const known = pid !== undefined && (state.running.has(pid) || state.existing.has(pid) || (ended && state.starts.some((s) => s.pid === pid)));
    if (!known) throw new ConnectError(`process with pid ${String(pid)} not found`, Code.NotFound);
    return pid!;
  };
  /** Streams a process until its script ends it (or, for one that keeps running, until killed or the client goes away). */
  async function* run(pid: number, script: ProcessScript, ctx: HandlerContext, call: StartCall): AsyncGenerator<Out> {
    yield startEvent(pid);
    if (script.echoStdin) {
      await new Promise<void>((resolve) => {
        state.stdinClosed.set(pid, resolve);
        ctx.signal.addEventListener('abort', () => resolve(), { once: true });
      });
      const input = Buffer.concat(state.stdin.filter((s) => s.pid === pid).map((s) => s.data));
      yield* outputEvents({ stdout: input, ...(script.exitCode !== undefined ? { exitCode: script.exitCode } : {}) });
      return;
    }
    if (!script.keepRunning) {
      yield* outputEvents(script);
      return;
    }
    let finish: (end: ProcessScript) => void = () => {};
    const ended = new Promise<ProcessScript>((resolve) => (finish = resolve));
    state.running.set(pid, { pid, call, end: (end = { signal: 'killed' }) => finish(end), ended });
    const { keepRunning: _k, exitCode: _e, signal: _s, ...output } = script;
    for (const e of outputEvents({ ...output, exitCode: 0 })) if (e.event.event.case === 'data') yield e;
    const gone = new Promise<undefined>((resolve) =>
      ctx.signal.aborted ? resolve(undefined) : ctx.signal.addEventListener('abort', () => resolve(undefined), { once: true }),
    );
    const end = await Promise.race([ended, gone]);
    if (end) {
      state.running.delete(pid);
      for (const e of outputEvents(end)) if (e.event.event.case === 'end') yield e;
    }
  }
  return {
    async list() {
      const listed = [
        ...[...state.existing].map(([pid, p]) => ({
          pid,
          config: { cmd: p.cmd, args: p.args, envs: {}, ...(p.cwd ? { cwd: p.cwd } : {}) },
          ...(p.tag ? { tag: p.tag } : {}),
        })),
        ...[...state.running.values()].map((r) => ({
          pid: r.pid,
          config: { cmd: r.call.cmd, args: r.call.args, envs: r.call.envs, ...(r.call.cwd ? { cwd: r.call.cwd } : {}) },
          ...(r.call.tag ? { tag: r.call.tag } : {}),
        })),
      ];
      return { processes: listed };
    },
    start(req: StartRequest, ctx: HandlerContext) {
      const pid = state.nextPid++;
      const call: StartCall = {
        sandboxId: state.sandboxId,
        pid,
        user: userOf(ctx.requestHeader.get('authorization')),
        cmd: req.process?.cmd ?? '',
        args: [...(req.process?.args ?? [])],
        argv: argvOf(req.process?.cmd ?? '', req.process?.args ?? []),
        envs: { ...(req.process?.envs ?? {}) },
        cwd: req.process?.cwd,
        tag: req.tag,
        stdin: req.stdin === true,
        pty: req.pty?.size ? { cols: req.pty.size.cols, rows: req.pty.size.rows } : undefined,
      };
      state.starts.push(call);
      return run(pid, state.onStart(call), ctx, call);
    },
    connect(req: ConnectRequest, ctx: HandlerContext) {
      const pid = pidOf(req);
      const existing = state.existing.get(pid);
      if (existing) {
        state.existing.delete(pid);
        return run(pid, existing.script, ctx, {
          sandboxId: state.sandboxId,
          pid,
          user: undefined,
          cmd: existing.cmd,
          args: existing.args,
          argv: argvOf(existing.cmd, existing.args),
          envs: {},
          cwd: existing.cwd,
          tag: existing.tag,
          stdin: false,
          pty: undefined,
        });
      }
      const running = state.running.get(pid)!;
      return (async function* () {
        yield startEvent(pid);
        yield* outputEvents(await running.ended);
      })();
    },
    async update(req: UpdateRequest) {
      const pid = pidOf(req);
      if (req.pty?.size) state.resizes.push({ pid, cols: req.pty.size.cols, rows: req.pty.size.rows });
      return {};
    },
    async streamInput(requests: AsyncIterable<StreamInputRequest>) {
      let pid = -1;
      for await (const r of requests) {
        if (r.event.case === 'start') pid = pidOf(r.event.value, true);
        if (r.event.case === 'data') {
          const input = r.event.value.input?.input.value;
          if (input) state.stdin.push({ pid, data: Buffer.from(input) });
        }
      }
      return {};
    },
    async sendInput(req: SendInputRequest) {
      const pid = pidOf(req, true);
      if (req.input?.input.value) state.stdin.push({ pid, data: Buffer.from(req.input.input.value) });
      return {};
    },
    async sendSignal(req: SendSignalRequest) {
      const pid = pidOf(req);
      state.signals.push({ pid, signal: req.signal });
      const running = state.running.get(pid);
      if (running && (req.signal === 9 || req.signal === 15)) running.end({ signal: req.signal === 9 ? 'killed' : 'terminated' });
      state.existing.delete(pid);
      return {};
    },
    async closeStdin(req: CloseStdinRequest) {
      const pid = pidOf(req, true);
      state.closedStdin.push(pid);
      state.stdinClosed.get(pid)?.();
      return {};
    },
  };
}
