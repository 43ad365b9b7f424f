/**
 * `Sandbox`: the library's entry point, shaped like the official JS SDK's class so code can move
 * between the two. Static methods act on a sandbox by ID; an instance is a connected sandbox
 * whose envd can be reached for commands and files.
 */
import type { Transport } from '@connectrpc/connect';
import type { Duplex } from 'node:stream';
import { Commands } from './commands.js';
import { Pty } from './pty.js';
import { Files } from './filesystem.js';
import { Git } from './git.js';
import { envdDirectUrl, envdUrl, resolveConfig, sandboxHost, type CallOptions, type Config, type ConnectionOptions } from './config.js';
import { InvalidArgumentError, SandboxError } from './errors.js';
import type { Paginator } from './paginator.js';
import {
  DEFAULT_SANDBOX_TIMEOUT_MS,
  connectSandbox,
  connectionFromWire,
  createSandbox,
  createSnapshot,
  deleteSnapshot,
  forkSandbox,
  getSandboxDetail,
  getSandboxLogs,
  getSandboxMetrics,
  infoFromWire,
  killSandbox,
  listSandboxes,
  listSnapshots,
  pauseSandbox,
  setSandboxTimeout,
  updateSandboxNetwork,
  type SandboxConnection,
  type SandboxCreateOpts,
  type SandboxForkOpts,
  type SandboxInfo,
  type SandboxListOpts,
  type SandboxLogEntry,
  type SandboxLogsOpts,
  type SandboxMetrics,
  type SandboxNetworkUpdate,
  type SnapshotInfo,
  type SnapshotListOpts,
} from './sandbox-api.js';
import type { OpenPortOpts } from './ports.js';
import { fileUrl, type FileUrlOptions } from './signature.js';
import { EnvdHttp, createEnvdTransport, type EnvdTarget } from './transport/envd.js';
import { RestClient } from './transport/rest.js';

/**
 * What every static method accepts: connection options (which include `requestTimeoutMs` and
 * `headers`) plus an abort signal. As in the official SDK, `timeoutMs` is reserved for the
 * sandbox's lifetime on create and connect.
 */
export type SandboxApiOpts = ConnectionOptions & { signal?: AbortSignal };

/** Port of the MCP gateway in sandboxes created with `mcp`. */
const MCP_PORT = 50005;

function split(opts: SandboxApiOpts): { rest: RestClient; call: CallOptions } {
  const { signal, ...connection } = opts;
  return { rest: new RestClient(resolveConfig(connection)), call: signal ? { signal } : {} };
}

export class Sandbox {
  /** Sandbox ID. */
  readonly sandboxId: string;
  /** Template ID the sandbox was created from. */
  readonly templateId: string;
  /** Domain serving this sandbox. */
  readonly sandboxDomain: string;
  /** envd version running in the sandbox. */
  readonly envdVersion: string;
  /** Token envd requires from clients of a secured sandbox. */
  readonly envdAccessToken?: string;
  /** Token for user traffic to the sandbox's ports, when the sandbox restricts public traffic. */
  readonly trafficAccessToken?: string;
  /** The resolved connection configuration this sandbox talks through. */
  readonly config: Config;

  readonly #rest: RestClient;
  #transport?: Promise<Transport>;
  #envdHttp?: EnvdHttp;
  #commands?: Commands;
  #pty?: Pty;
  #files?: Files;
  #git?: Git;
  #mcpToken?: string;

  /** Use {@link Sandbox.create} or {@link Sandbox.connect}; this wraps connection details already obtained. */
  constructor(connection: SandboxConnection, config: Config) {
    this.sandboxId = connection.sandboxId;
    this.templateId = connection.templateId;
    this.sandboxDomain = connection.sandboxDomain ?? config.domain;
    this.envdVersion = connection.envdVersion;
    if (connection.envdAccessToken) this.envdAccessToken = connection.envdAccessToken;
    if (connection.trafficAccessToken) this.trafficAccessToken = connection.trafficAccessToken;
    this.config = config;
    this.#rest = new RestClient(config);
  }

  /** Creates a sandbox from a template (default `base`) and returns it connected. */
  static async create<S extends typeof Sandbox>(
    this: S,
    template?: string | (SandboxCreateOpts & SandboxApiOpts),
    opts: SandboxCreateOpts & SandboxApiOpts = {},
  ): Promise<InstanceType<S>> {
    const all = typeof template === 'string' ? { ...opts, template } : { ...(template ?? {}), ...opts };
    const { rest, call } = split(stripCreate(all));
    const connection = await createSandbox(rest, all, call);
    // `new this`: a subclass (class MySandbox extends Sandbox) gets instances of itself, as with the SDK
    return new this(connection, rest.config) as InstanceType<S>;
  }

  /**
   * Connects to an existing sandbox, resuming it if paused. Its lifetime becomes at least
   * `timeoutMs` from now; a longer remaining lifetime is kept (never shortened).
   */
  static async connect<S extends typeof Sandbox>(this: S, sandboxId: string, opts: SandboxApiOpts & { timeoutMs?: number } = {}): Promise<InstanceType<S>> {
    const { timeoutMs, ...rest } = opts;
    const { rest: client, call } = split(rest);
    const connection = await connectSandbox(client, sandboxId, timeoutMs ?? DEFAULT_SANDBOX_TIMEOUT_MS, call);
    return new this(connection, client.config) as InstanceType<S>;
  }

  /**
   * Forks a running sandbox: its state is captured once and `count` new sandboxes start from it
   * (the original keeps running). Each entry is a connected fork or the error that fork met.
   */
  static async fork<S extends typeof Sandbox>(
    this: S,
    sandboxId: string,
    opts: SandboxForkOpts & SandboxApiOpts = {},
  ): Promise<Array<InstanceType<S> | Error>> {
    const { count, timeoutMs, ...rest } = opts;
    const { rest: client, call } = split(rest);
    const results = await forkSandbox(
      client,
      sandboxId,
      { ...(count !== undefined ? { count } : {}), ...(timeoutMs !== undefined ? { timeoutMs } : {}) },
      call,
    );
    return results.map((r) => (r instanceof SandboxError ? r : (new this(r, client.config) as InstanceType<S>)));
  }

  /**
   * Attaches to a sandbox without changing its lifetime: a running sandbox is only looked up;
   * a paused one is resumed with a lifetime of `timeoutMs` (default five minutes).
   */
  static async attach<S extends typeof Sandbox>(this: S, sandboxId: string, opts: SandboxApiOpts & { timeoutMs?: number } = {}): Promise<InstanceType<S>> {
    const { timeoutMs: resumeTimeoutMs, ...rest } = opts;
    const { rest: client, call } = split(rest);
    const detail = await getSandboxDetail(client, sandboxId, call);
    if (detail.state === 'paused') {
      const connection = await connectSandbox(client, sandboxId, resumeTimeoutMs ?? DEFAULT_SANDBOX_TIMEOUT_MS, call);
      return new this(connection, client.config) as InstanceType<S>;
    }
    // A running sandbox's details carry the same connection fields as a connect answer.
    return new this(connectionFromWire(detail), client.config) as InstanceType<S>;
  }

  /** Kills a sandbox by ID: true when it was killed, false when it did not exist. */
  static async kill(sandboxId: string, opts: SandboxApiOpts = {}): Promise<boolean> {
    const { rest, call } = split(opts);
    return killSandbox(rest, sandboxId, call);
  }

  /** Pauses a sandbox by ID: true when paused now, false when already paused. */
  static async pause(sandboxId: string, opts: SandboxApiOpts & { keepMemory?: boolean } = {}): Promise<boolean> {
    const { keepMemory, ...rest } = opts;
    const { rest: client, call } = split(rest);
    return pauseSandbox(client, sandboxId, keepMemory === undefined ? {} : { keepMemory }, call);
  }

  /** @deprecated the official SDK's old name of {@link Sandbox.pause}. */
  static betaPause(sandboxId: string, opts: SandboxApiOpts & { keepMemory?: boolean } = {}): Promise<boolean> {
    return Sandbox.pause(sandboxId, opts);
  }

  /** @deprecated the official SDK's old name of {@link Sandbox.getInfo}. */
  static getFullInfo(sandboxId: string, opts: SandboxApiOpts = {}): Promise<SandboxInfo> {
    return Sandbox.getInfo(sandboxId, opts);
  }

  /** Information about a sandbox (running or paused). */
  static async getInfo(sandboxId: string, opts: SandboxApiOpts = {}): Promise<SandboxInfo> {
    const { rest, call } = split(opts);
    return infoFromWire(await getSandboxDetail(rest, sandboxId, call));
  }

  /** Resource usage samples of a sandbox. */
  static async getMetrics(sandboxId: string, opts: SandboxApiOpts & { start?: Date; end?: Date } = {}): Promise<SandboxMetrics[]> {
    const { start, end, ...rest } = opts;
    const { rest: client, call } = split(rest);
    return getSandboxMetrics(client, sandboxId, { ...(start ? { start } : {}), ...(end ? { end } : {}) }, call);
  }

  /** Replaces a sandbox's egress rules while it runs (a field left out is cleared). */
  static async updateNetwork(sandboxId: string, network: SandboxNetworkUpdate, opts: SandboxApiOpts = {}): Promise<void> {
    const { rest, call } = split(opts);
    await updateSandboxNetwork(rest, sandboxId, network, call);
  }

  /** Sets a sandbox's remaining lifetime to `timeoutMs` from now (this may shorten it). */
  static async setTimeout(sandboxId: string, timeoutMs: number, opts: SandboxApiOpts = {}): Promise<void> {
    const { rest, call } = split(opts);
    await setSandboxTimeout(rest, sandboxId, timeoutMs, call);
  }

  /** Log entries of a sandbox. */
  static async getLogs(sandboxId: string, opts: SandboxApiOpts & SandboxLogsOpts = {}): Promise<SandboxLogEntry[]> {
    const { cursor, limit, direction, level, search, ...rest } = opts;
    const { rest: client, call } = split(rest);
    return getSandboxLogs(client, sandboxId, logQuery({ cursor, limit, direction, level, search }), call);
  }

  /** Lists sandboxes (running and paused unless filtered), page by page. */
  static list(opts: SandboxListOpts & ConnectionOptions = {}): Paginator<SandboxInfo> {
    const { query, order, limit, nextToken, ...connection } = opts;
    const rest = new RestClient(resolveConfig(connection));
    return listSandboxes(rest, {
      ...(query ? { query } : {}),
      ...(order ? { order } : {}),
      ...(limit !== undefined ? { limit } : {}),
      ...(nextToken ? { nextToken } : {}),
    });
  }

  /** Snapshots a sandbox's current state into a template new sandboxes can start from. */
  static async createSnapshot(sandboxId: string, opts: SandboxApiOpts & { name?: string } = {}): Promise<SnapshotInfo> {
    const { name, ...rest } = opts;
    const { rest: client, call } = split(rest);
    return createSnapshot(client, sandboxId, name ? { name } : {}, call);
  }

  /** Lists snapshots, page by page. */
  static listSnapshots(opts: SnapshotListOpts & ConnectionOptions = {}): Paginator<SnapshotInfo> {
    const { sandboxId, name, limit, nextToken, ...connection } = opts;
    const rest = new RestClient(resolveConfig(connection));
    return listSnapshots(rest, {
      ...(sandboxId ? { sandboxId } : {}),
      ...(name ? { name } : {}),
      ...(limit !== undefined ? { limit } : {}),
      ...(nextToken ? { nextToken } : {}),
    });
  }

  /** Deletes a snapshot: true when deleted, false when it did not exist. */
  static async deleteSnapshot(snapshotId: string, opts: SandboxApiOpts = {}): Promise<boolean> {
    const { rest, call } = split(opts);
    return deleteSnapshot(rest, snapshotId, call);
  }

  /** Run and manage processes in the sandbox. */
  get commands(): Commands {
    this.#commands ??= new Commands(this);
    return this.#commands;
  }

  /** Files and directories in the sandbox. */
  get files(): Files {
    this.#files ??= new Files(this);
    return this.#files;
  }

  /** Interactive terminals in the sandbox. */
  get pty(): Pty {
    this.#pty ??= new Pty(this.commands);
    return this.#pty;
  }

  /** Git in the sandbox: clone, status, commit, push, ... (the official SDK's `sandbox.git`). */
  get git(): Git {
    this.#git ??= new Git(this.commands);
    return this.#git;
  }

  /** Kills this sandbox: true when it was killed, false when it was already gone. */
  async kill(opts: CallOptions = {}): Promise<boolean> {
    return killSandbox(this.#rest, this.sandboxId, opts);
  }

  /** Pauses this sandbox: true when paused now, false when already paused. */
  async pause(opts: CallOptions & { keepMemory?: boolean } = {}): Promise<boolean> {
    const { keepMemory, ...call } = opts;
    return pauseSandbox(this.#rest, this.sandboxId, keepMemory === undefined ? {} : { keepMemory }, call);
  }

  /** @deprecated the official SDK's old name of {@link pause}. */
  betaPause(opts: CallOptions & { keepMemory?: boolean } = {}): Promise<boolean> {
    return this.pause(opts);
  }

  /** Forks this sandbox (see {@link Sandbox.fork}); forks use this sandbox's connection settings. */
  async fork(opts: SandboxForkOpts & CallOptions = {}): Promise<Array<this | Error>> {
    const { count, timeoutMs, ...call } = opts;
    const results = await forkSandbox(
      this.#rest,
      this.sandboxId,
      { ...(count !== undefined ? { count } : {}), ...(timeoutMs !== undefined ? { timeoutMs } : {}) },
      call,
    );
    const Self = this.constructor as new (connection: SandboxConnection, config: Config) => this;
    return results.map((r) => (r instanceof SandboxError ? r : new Self(r, this.config)));
  }

  /** Snapshots taken of this sandbox, page by page. */
  listSnapshots(opts: Omit<SnapshotListOpts, 'sandboxId'> = {}): Paginator<SnapshotInfo> {
    const { name, limit, nextToken } = opts;
    return listSnapshots(this.#rest, {
      sandboxId: this.sandboxId,
      ...(name ? { name } : {}),
      ...(limit !== undefined ? { limit } : {}),
      ...(nextToken ? { nextToken } : {}),
    });
  }

  /** URL of the MCP gateway of a sandbox created with `mcp` (port 50005, as E2B serves it). */
  getMcpUrl(): string {
    return `${this.config.debug || this.config.sandboxUrl ? 'http' : 'https'}://${this.getHost(MCP_PORT)}/mcp`;
  }

  /** The MCP gateway's token (read from the sandbox once), or undefined without a gateway. */
  async getMcpToken(): Promise<string | undefined> {
    if (this.#mcpToken === undefined) {
      try {
        this.#mcpToken = await this.files.read('/etc/mcp-gateway/.token', { user: 'root' });
      } catch (error) {
        if ((error as { name?: string }).name === 'FileNotFoundError') return undefined;
        throw error;
      }
    }
    return this.#mcpToken;
  }

  /** Resumes this sandbox if paused (and extends its lifetime to at least `timeoutMs`). */
  async connect(opts: CallOptions & { timeoutMs?: number } = {}): Promise<this> {
    const { timeoutMs, ...call } = opts;
    await connectSandbox(this.#rest, this.sandboxId, timeoutMs ?? DEFAULT_SANDBOX_TIMEOUT_MS, call);
    return this;
  }

  /** Information about this sandbox. */
  async getInfo(opts: CallOptions = {}): Promise<SandboxInfo> {
    return infoFromWire(await getSandboxDetail(this.#rest, this.sandboxId, opts));
  }

  /** Resource usage samples of this sandbox. */
  async getMetrics(opts: CallOptions & { start?: Date; end?: Date } = {}): Promise<SandboxMetrics[]> {
    const { start, end, ...call } = opts;
    return getSandboxMetrics(this.#rest, this.sandboxId, { ...(start ? { start } : {}), ...(end ? { end } : {}) }, call);
  }

  /** Replaces this sandbox's egress rules, at once (a field left out is cleared). */
  async updateNetwork(network: SandboxNetworkUpdate, opts: CallOptions = {}): Promise<void> {
    await updateSandboxNetwork(this.#rest, this.sandboxId, network, opts);
  }

  /** Sets this sandbox's remaining lifetime to `timeoutMs` from now. */
  async setTimeout(timeoutMs: number, opts: CallOptions = {}): Promise<void> {
    await setSandboxTimeout(this.#rest, this.sandboxId, timeoutMs, opts);
  }

  /** Log entries of this sandbox. */
  async getLogs(opts: CallOptions & SandboxLogsOpts = {}): Promise<SandboxLogEntry[]> {
    const { cursor, limit, direction, level, search, ...call } = opts;
    return getSandboxLogs(this.#rest, this.sandboxId, logQuery({ cursor, limit, direction, level, search }), call);
  }

  /** Snapshots this sandbox. */
  async createSnapshot(opts: CallOptions & { name?: string } = {}): Promise<SnapshotInfo> {
    const { name, ...call } = opts;
    return createSnapshot(this.#rest, this.sandboxId, name ? { name } : {}, call);
  }

  /** True while envd in the sandbox answers its health check. */
  async isRunning(opts: CallOptions = {}): Promise<boolean> {
    return this.envdHttp.health(opts);
  }

  /** Host name under which a port of the sandbox is reachable. */
  getHost(port: number): string {
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new InvalidArgumentError(`invalid port: ${port}`);
    return sandboxHost(this.config, this.sandboxId, port, this.sandboxDomain);
  }

  /**
   * A raw TCP stream to a port of the sandbox (a database, SSH, anything but HTTP, which
   * {@link getHost} serves): the local backend's TCP endpoint there, a relay process in the
   * sandbox on E2B (see ports.ts). Rejects when nothing listens on the port.
   */
  async openPort(port: number, opts: OpenPortOpts = {}): Promise<Duplex> {
    const { openPort } = await import('./ports.js');
    return openPort(this, port, opts);
  }

  /** A URL that uploads a file with a plain POST (signed for secured sandboxes). */
  async uploadUrl(path?: string, opts: FileUrlOptions = {}): Promise<string> {
    this.checkExpiration(opts);
    return fileUrl(this.directUrl(), path, 'write', this.envdAccessToken, opts);
  }

  /** A URL that downloads a file with a plain GET (signed for secured sandboxes). */
  async downloadUrl(path: string, opts: FileUrlOptions = {}): Promise<string> {
    this.checkExpiration(opts);
    return fileUrl(this.directUrl(), path, 'read', this.envdAccessToken, opts);
  }

  /** What the envd transports need to reach this sandbox. */
  get envdTarget(): EnvdTarget {
    const target: EnvdTarget = {
      sandboxId: this.sandboxId,
      url: envdUrl(this.config, this.sandboxId, this.sandboxDomain),
      envdVersion: this.envdVersion,
    };
    if (this.envdAccessToken) target.accessToken = this.envdAccessToken;
    return target;
  }

  /** Plain-HTTP envd client of this sandbox. */
  get envdHttp(): EnvdHttp {
    this.#envdHttp ??= new EnvdHttp(this.envdTarget, this.config);
    return this.#envdHttp;
  }

  /** The Connect transport to this sandbox's envd, created on first use. */
  envdTransport(): Promise<Transport> {
    const make = this.config.envdTransport;
    this.#transport ??= make ? Promise.resolve(make(this.envdTarget)) : createEnvdTransport(this.envdTarget, this.config);
    return this.#transport;
  }

  private directUrl(): string {
    return envdDirectUrl(this.config, this.sandboxId, this.sandboxDomain);
  }

  private checkExpiration(opts: FileUrlOptions): void {
    if (opts.useSignatureExpiration !== undefined && !this.envdAccessToken) {
      throw new InvalidArgumentError('signature expiration can be used only when the sandbox is created as secured');
    }
  }
}

/** Keeps only the log query fields that were given. */
function logQuery(q: { [K in keyof SandboxLogsOpts]: SandboxLogsOpts[K] | undefined }): SandboxLogsOpts {
  const out: SandboxLogsOpts = {};
  if (q.cursor) out.cursor = q.cursor;
  if (q.limit !== undefined) out.limit = q.limit;
  if (q.direction) out.direction = q.direction;
  if (q.level) out.level = q.level;
  if (q.search) out.search = q.search;
  return out;
}

/** Drops the create-only fields so the rest can be treated as connection + call options. */
function stripCreate(opts: SandboxCreateOpts & SandboxApiOpts): SandboxApiOpts {
  const {
    template: _t,
    metadata: _m,
    envs: _e,
    timeoutMs: _timeout,
    secure: _s,
    allowInternetAccess: _a,
    network: _n,
    lifecycle: _l,
    volumeMounts: _v,
    mcp: _mcp,
    ...rest
  } = opts;
  return rest;
}
