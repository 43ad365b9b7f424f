/**
 * The sandboxes of the local backend: their records (persisted atomically), their processes
 * (through the runtime), and their lifecycle (timeouts that kill or pause, pause that freezes,
 * connect that resumes, a daemon restart that brings dead sandboxes back as paused).
 *
 * Operations on one sandbox are serialized, so a kill arriving during a resume waits for it.
 *
 * A sandbox's host folder has an opaque random name, not its ID: mount tables of sandbox
 * processes (`/proc/<pid>/mountinfo`) are readable by every local user, and an ID is all it takes
 * to use an unsecured sandbox. Which folder holds which sandbox is read from the folders'
 * records at start-up.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { NewSandbox, SandboxForkRequest, SandboxNetworkConfig, SandboxNetworkUpdateConfig, SandboxVolumeMount } from '../../gen/api/schemas.js';
import { copyTree } from '../copy-tree.js';
import { ENVD_VERSION } from '../envd/config.js';
import type { StatePaths } from '../paths.js';
import type { Runtime, SandboxProcess } from '../runtime/index.js';
import type { Disks } from '../runtime/disk.js';
import { SocketDir } from '../runtime/socket.js';
import { readJson, writeJsonAtomic } from '../store.js';
import { ApiError } from './http.js';
import { newAccessToken, newSandboxId } from './ids.js';
import { SandboxLog } from './logs.js';
import { WarmSpare, postInit } from './spare.js';
import { METRICS_INTERVAL_MS, MetricsStore, type MetricSample, type MetricsTarget } from './metrics.js';
import { TemplateStore, type TemplateRecord } from './templates.js';

/** The longest lifetime a sandbox may be given, in seconds (E2B's Pro limit: 24 hours). */
export const MAX_TIMEOUT_S = 86_400;
/** Lifetime when a create request gives none (E2B's server default). */
const DEFAULT_TIMEOUT_S = 15;
/** Constant client ID E2B reports (the field is deprecated but required by the Python SDK). */
const CLIENT_ID = '6532622b';

/** What is persisted about a sandbox. */
export interface SandboxRecord {
  sandboxID: string;
  templateID: string;
  alias?: string;
  clientID: string;
  envdVersion: string;
  envdAccessToken?: string;
  startedAt: string;
  endAt: string;
  cpuCount: number;
  memoryMB: number;
  diskSizeMB: number;
  state: 'running' | 'paused';
  metadata: Record<string, string>;
  envVars: Record<string, string>;
  allowInternetAccess: boolean;
  network?: SandboxNetworkConfig;
  lifecycle: { onTimeout: 'kill' | 'pause'; autoResume: boolean };
  /** With onTimeout pause: keep processes (freeze) rather than only files. */
  autoPauseMemory: boolean;
  volumeMounts: SandboxVolumeMount[];
  /** Last lifetime given, reused when traffic auto-resumes the sandbox. */
  timeoutSeconds: number;
  pausedAt?: string;
}

interface Live {
  proc?: SandboxProcess;
  frozen: boolean;
  timer?: NodeJS.Timeout;
  queue: Promise<unknown>;
}

/** Options of {@link SandboxManager}. */
export interface SandboxManagerOptions {
  paths: StatePaths;
  runtime: Runtime;
  templates: TemplateStore;
  /** The daemon's own log. */
  log: (level: 'info' | 'warn' | 'error', message: string) => void;
  /** Keep a warm spare sandbox process ready (where the runtime allows). @default true */
  warmSpare?: boolean;
  /** Sandbox disks held to the template's size (where enforced; see runtime/disk.ts). */
  disks?: Disks;
}

/**
 * A lifetime in seconds, with E2B's handler rules (the spec has already made it an integer of at
 * least 0): positive, and at most 24 hours.
 */
function validTimeout(value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (value <= 0) throw new ApiError(400, 'Timeout must be greater than 0');
  if (value > MAX_TIMEOUT_S) throw new ApiError(400, `Timeout cannot be greater than ${MAX_TIMEOUT_S / 3600} hours`);
  return value;
}

export class SandboxManager {
  private readonly records = new Map<string, SandboxRecord>();
  private readonly live = new Map<string, Live>();
  private readonly logs = new Map<string, SandboxLog>();
  /** Sandbox ID → name of its folder under `sandboxes/`. */
  private readonly folders = new Map<string, string>();
  readonly metrics = new MetricsStore();
  private sampler?: NodeJS.Timeout;
  private sockets?: SocketDir;
  private spare?: WarmSpare;

  constructor(private readonly opts: SandboxManagerOptions) {}

  private dir(id: string): string {
    return join(this.opts.paths.sandboxes, this.folders.get(id) ?? id);
  }

  private socketDir(): SocketDir {
    if (!this.sockets) throw new Error('the sandbox manager is not loaded');
    return this.sockets;
  }

  private filesDir(id: string): string {
    return join(this.dir(id), 'fs');
  }

  private async persist(record: SandboxRecord): Promise<void> {
    await writeJsonAtomic(join(this.dir(record.sandboxID), 'sandbox.json'), record, 0o600);
  }

  /** The log of a sandbox (created on first use). */
  log(id: string): SandboxLog {
    let log = this.logs.get(id);
    if (!log) {
      log = new SandboxLog(join(this.dir(id), 'log.ndjson'));
      this.logs.set(id, log);
    }
    return log;
  }

  private liveOf(id: string): Live {
    let live = this.live.get(id);
    if (!live) {
      live = { frozen: false, queue: Promise.resolve() };
      this.live.set(id, live);
    }
    return live;
  }

  /** Runs `fn` after every earlier operation on the same sandbox has finished. */
  private serialize<T>(id: string, fn: () => Promise<T>): Promise<T> {
    const live = this.liveOf(id);
    const run = live.queue.then(fn, fn);
    live.queue = run.catch(() => {});
    return run;
  }

  /**
   * Loads saved sandboxes. Their processes did not survive the previous daemon, so any that
   * were running come back paused, with every file kept.
   */
  async load(): Promise<void> {
    await mkdir(this.opts.paths.sandboxes, { recursive: true, mode: 0o700 });
    this.sockets = SocketDir.open(this.opts.paths.sockets);
    await WarmSpare.removeLeftovers(this.opts.paths.sandboxes);
    for (const folder of await readdir(this.opts.paths.sandboxes)) {
      if (folder.startsWith('.')) continue;
      const record = await readJson<SandboxRecord>(join(this.opts.paths.sandboxes, folder, 'sandbox.json'));
      if (!record || typeof record.sandboxID !== 'string' || this.records.has(record.sandboxID)) continue;
      const id = record.sandboxID;
      this.folders.set(id, folder);
      this.records.set(id, record);
      if (record.state === 'running') {
        record.state = 'paused';
        record.pausedAt = new Date().toISOString();
        await this.persist(record);
        this.log(id).add('warn', 'the local daemon restarted; the sandbox was paused (files kept, processes lost)');
      }
    }
    this.sampler = setInterval(() => this.sample(), METRICS_INTERVAL_MS);
    this.sampler.unref();
    this.spare = new WarmSpare({
      runtime: this.opts.runtime,
      sandboxesDir: this.opts.paths.sandboxes,
      stateRoot: this.opts.paths.root,
      sockets: this.sockets,
      enabled: this.opts.runtime.relocatable && this.opts.warmSpare !== false,
      log: this.opts.log,
      disks: this.opts.disks,
      // the common case (the base template's); a create with another size starts afresh
      diskSizeMB: this.opts.templates.find('base')?.diskSizeMB,
    });
    this.spare.refill();
  }

  all(): SandboxRecord[] {
    return [...this.records.values()];
  }

  get(id: string): SandboxRecord | undefined {
    return this.records.get(id);
  }

  /** The record, or a 404 in E2B's words. */
  require(id: string): SandboxRecord {
    const record = this.records.get(id);
    if (!record) throw new ApiError(404, `Sandbox "${id}" doesn't exist or you don't have access to it`);
    return record;
  }

  /**
   * Creates and starts a sandbox; resolves once its envd accepts connections. Its files come
   * from the template, or from `seedFiles` (a fork's copy of another sandbox).
   */
  async create(body: NewSandbox, seedFiles?: string): Promise<SandboxRecord> {
    const template = this.opts.templates.find(body.templateID);
    if (!template) throw new ApiError(404, `template '${body.templateID}' not found`);
    const timeout = validTimeout(body.timeout, DEFAULT_TIMEOUT_S);
    const metadata = { ...(body.metadata ?? {}) };
    const envVars = { ...(body.envVars ?? {}) };
    if (body.autoResume?.enabled && !body.autoPause) throw new ApiError(400, 'autoResume requires autoPause');
    const denyAll = body.network?.denyOut?.includes('0.0.0.0/0') ?? false;
    const id = newSandboxId();
    const now = Date.now();
    const record: SandboxRecord = {
      sandboxID: id,
      templateID: template.templateID,
      clientID: CLIENT_ID,
      envdVersion: ENVD_VERSION,
      startedAt: new Date(now).toISOString(),
      endAt: new Date(now + timeout * 1000).toISOString(),
      cpuCount: template.cpuCount,
      memoryMB: template.memoryMB,
      diskSizeMB: template.diskSizeMB,
      state: 'running',
      metadata,
      envVars,
      allowInternetAccess: body.allow_internet_access !== false && !denyAll,
      lifecycle: { onTimeout: body.autoPause ? 'pause' : 'kill', autoResume: body.autoResume?.enabled === true },
      autoPauseMemory: body.autoPauseMemory ?? true,
      volumeMounts: body.volumeMounts ?? [],
      timeoutSeconds: timeout,
    };
    const alias = template.aliases[0] ?? template.names[0];
    if (alias) record.alias = alias;
    if (body.secure === true) record.envdAccessToken = newAccessToken();
    if (body.network) record.network = body.network;

    this.folders.set(id, randomBytes(10).toString('hex'));
    return this.serialize(id, async () => {
      try {
        // A warm spare's folder becomes this sandbox's folder, so take it before writing anything.
        const spare = await this.spare?.take(this.dir(id), record.allowInternetAccess, record.diskSizeMB);
        if (!spare) await mkdir(this.dir(id), { recursive: true, mode: 0o700 });
        if (!spare) await this.makeDisk(id, record.diskSizeMB);
        if (seedFiles) await copyTree(seedFiles, this.filesDir(id));
        else if (template.hasFiles) await copyTree(this.opts.templates.filesDir(template.templateID), this.filesDir(id));
        this.records.set(id, record);
        await this.persist(record);
        this.log(id).add('info', `sandbox created from template ${alias ?? template.templateID}`, {
          templateID: template.templateID,
          runtime: this.opts.runtime.name,
        });
        if (spare) {
          spare.logTo((line) => this.log(id).add('info', line, { source: 'envd' }));
          this.adopt(id, spare.proc);
          await postInit(spare.proc, {
            sandboxId: id,
            templateId: record.templateID,
            envVars: record.envVars,
            accessToken: record.envdAccessToken ?? null,
            defaultUser: 'user',
          });
        } else {
          await this.start(record);
        }
        this.arm(record);
        this.opts.log('info', `created sandbox ${id} (template ${alias ?? template.templateID}, timeout ${timeout}s)`);
        // The template's spawn count is saved while the answer goes out (counted at once, written
        // to disk on the way), and the next spare starts after the answer is written (that happens
        // in the microtasks after this return, before any immediate): its start does synchronous
        // work (its root, its /etc) that would otherwise run while the caller waits.
        this.opts.templates.recordSpawn(template.templateID).catch((error: unknown) => {
          this.opts.log('warn', `could not record a spawn of template ${template.templateID}: ${error instanceof Error ? error.message : String(error)}`);
        });
        setImmediate(() => this.spare?.refill());
        return record;
      } catch (error) {
        await this.destroy(id);
        if (error instanceof ApiError) throw error;
        throw new ApiError(500, `could not start the sandbox: ${error instanceof Error ? error.message : String(error)}`);
      }
    });
  }

  /** Starts envd for a record and waits for it. */
  private async start(record: SandboxRecord): Promise<void> {
    const id = record.sandboxID;
    const envd: Parameters<Runtime['start']>[0]['envd'] = {
      sandboxId: id,
      templateId: record.templateID,
      envVars: record.envVars,
      defaultUser: 'user',
      version: record.envdVersion,
    };
    if (record.envdAccessToken) envd.accessToken = record.envdAccessToken;
    await this.opts.disks?.mount(this.dir(id));
    const proc = await this.opts.runtime.start({
      sandboxId: id,
      dir: this.dir(id),
      stateRoot: this.opts.paths.root,
      sockets: this.socketDir(),
      hostKey: this.folders.get(id) ?? randomBytes(10).toString('hex'),
      allowInternetAccess: record.allowInternetAccess,
      envd,
      onLog: (line) => this.log(id).add('info', line, { source: 'envd' }),
    });
    this.adopt(id, proc);
    await proc.ready;
  }

  /** Makes and mounts a new sandbox folder's disk (runtime/disk.ts), where disks are enforced. */
  private async makeDisk(id: string, sizeMB: number): Promise<void> {
    const disk = await this.opts.disks?.create(this.dir(id), sizeMB);
    if (disk?.capped) this.log(id).add('warn', `the host has little free disk space: the sandbox's disk is ${disk.sizeMB} MiB, not ${sizeMB} MiB`);
  }

  /** Makes `proc` the sandbox's running process and notices when it dies. */
  private adopt(id: string, proc: SandboxProcess): void {
    const live = this.liveOf(id);
    const record = this.records.get(id);
    // A warm spare started before its template was known: its limits are set now.
    const problems = record ? proc.applyLimits({ cpuCount: record.cpuCount, memoryMB: record.memoryMB }) : [];
    if (problems.length) this.log(id).add('warn', `some limits could not be set: ${problems.join('; ')}`);
    live.proc = proc;
    live.frozen = false;
    void proc.exited.then(() => {
      if (live.proc === proc) {
        live.proc = undefined;
        if (this.records.get(id)?.state === 'running') this.log(id).add('warn', 'envd exited unexpectedly');
      }
    });
  }

  /** (Re)arms the timeout of a running sandbox. */
  private arm(record: SandboxRecord): void {
    const live = this.liveOf(record.sandboxID);
    if (live.timer) clearTimeout(live.timer);
    live.timer = undefined;
    if (record.state !== 'running') return;
    const wait = Math.max(0, Date.parse(record.endAt) - Date.now());
    live.timer = setTimeout(() => void this.expire(record.sandboxID), Math.min(wait, 2 ** 31 - 1));
    live.timer.unref();
  }

  private async expire(id: string): Promise<void> {
    const record = this.records.get(id);
    if (!record || record.state !== 'running') return;
    if (Date.parse(record.endAt) > Date.now()) {
      this.arm(record);
      return;
    }
    try {
      if (record.lifecycle.onTimeout === 'pause') {
        this.log(id).add('info', 'timeout reached; pausing');
        await this.pause(id, record.autoPauseMemory);
      } else {
        this.log(id).add('info', 'timeout reached; killing');
        await this.kill(id);
      }
      this.opts.log('info', `sandbox ${id} reached its timeout (${record.lifecycle.onTimeout})`);
    } catch (error) {
      this.opts.log('error', `timeout of sandbox ${id} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** Stops a sandbox's processes and deletes its record and files. */
  private async destroy(id: string): Promise<void> {
    const live = this.live.get(id);
    if (live?.timer) clearTimeout(live.timer);
    // The disk is detached lazily, so it can go while the processes that use it are killed.
    await Promise.all([
      live?.proc?.kill(),
      this.opts.disks?.unmount(this.dir(id)).catch((error: unknown) => {
        this.opts.log('error', `could not unmount the disk of sandbox ${id}: ${error instanceof Error ? error.message : String(error)}`);
      }),
    ]);
    this.records.delete(id);
    this.live.delete(id);
    this.metrics.forget(id);
    await this.logs.get(id)?.flush();
    this.logs.delete(id);
    await rm(this.dir(id), { recursive: true, force: true });
    this.folders.delete(id);
  }

  /** Kills a sandbox: false when it does not exist. */
  async kill(id: string): Promise<boolean> {
    if (!this.records.has(id)) return false;
    return this.serialize(id, async () => {
      if (!this.records.has(id)) return false;
      await this.destroy(id);
      this.opts.log('info', `killed sandbox ${id}`);
      return true;
    });
  }

  /**
   * Pauses a running sandbox: freezes its processes (memory kept) or stops them (files only).
   * Returns false when it was already paused.
   */
  async pause(id: string, keepMemory = true): Promise<boolean> {
    this.require(id);
    return this.serialize(id, async () => {
      const record = this.require(id);
      if (record.state === 'paused') return false;
      const live = this.liveOf(id);
      if (live.timer) clearTimeout(live.timer);
      if (live.proc && keepMemory) {
        await live.proc.freeze();
        live.frozen = true;
      } else if (live.proc) {
        await live.proc.kill();
        live.proc = undefined;
      }
      record.state = 'paused';
      record.pausedAt = new Date().toISOString();
      await this.persist(record);
      this.log(id).add('info', keepMemory && live.proc ? 'sandbox paused (processes frozen)' : 'sandbox paused (files kept, processes stopped)');
      return true;
    });
  }

  /**
   * Brings a paused sandbox back (thaws its processes, or restarts envd when they were lost or
   * `memory` is false) with a lifetime of `timeout` seconds. For a running sandbox, only extends
   * its lifetime.
   */
  async connect(
    id: string,
    timeoutSeconds: number | undefined,
    opts: { memory?: boolean } = {},
  ): Promise<{ record: SandboxRecord; resumed: boolean }> {
    this.require(id);
    const timeout = validTimeout(timeoutSeconds, DEFAULT_TIMEOUT_S);
    return this.serialize(id, async () => {
      const record = this.require(id);
      const target = Date.now() + timeout * 1000;
      if (record.state === 'running') {
        if (target > Date.parse(record.endAt)) {
          record.endAt = new Date(target).toISOString();
          record.timeoutSeconds = timeout;
          await this.persist(record);
          this.arm(record);
        }
        return { record, resumed: false };
      }
      await this.resumeLocked(record, timeout, opts.memory ?? true);
      return { record, resumed: true };
    });
  }

  /** The deprecated resume endpoint: 409 when the sandbox is already running. */
  async resume(id: string, timeoutSeconds: number | undefined): Promise<SandboxRecord> {
    this.require(id);
    const timeout = validTimeout(timeoutSeconds, DEFAULT_TIMEOUT_S);
    return this.serialize(id, async () => {
      const record = this.require(id);
      if (record.state === 'running') throw new ApiError(409, `Sandbox ${id} is already running`);
      await this.resumeLocked(record, timeout);
      return record;
    });
  }

  /** Resumes a paused sandbox; `memory: false` discards frozen processes and boots envd afresh. */
  private async resumeLocked(record: SandboxRecord, timeout: number, memory = true): Promise<void> {
    const id = record.sandboxID;
    const live = this.liveOf(id);
    if (live.proc && live.frozen && memory) {
      await live.proc.thaw();
      live.frozen = false;
      this.log(id).add('info', 'sandbox resumed (processes thawed)');
    } else {
      if (live.proc) await live.proc.kill();
      live.proc = undefined;
      record.state = 'running';
      await this.start(record);
      this.log(id).add('info', 'sandbox resumed (envd restarted; files kept)');
    }
    record.state = 'running';
    delete record.pausedAt;
    record.endAt = new Date(Date.now() + timeout * 1000).toISOString();
    record.timeoutSeconds = timeout;
    await this.persist(record);
    this.arm(record);
  }

  /** Sets the remaining lifetime to `timeout` seconds from now (may shorten it). */
  async setTimeout(id: string, timeoutSeconds: number): Promise<void> {
    this.require(id);
    const timeout = validTimeout(timeoutSeconds, DEFAULT_TIMEOUT_S);
    await this.serialize(id, async () => {
      const record = this.require(id);
      record.timeoutSeconds = timeout;
      if (record.state === 'running') record.endAt = new Date(Date.now() + timeout * 1000).toISOString();
      await this.persist(record);
      this.arm(record);
    });
  }

  /** Keep-alive: extends the lifetime to at least `duration` seconds from now. */
  async refresh(id: string, duration: number | undefined): Promise<void> {
    this.require(id);
    const seconds = duration === undefined ? DEFAULT_TIMEOUT_S : validTimeout(duration, DEFAULT_TIMEOUT_S);
    await this.serialize(id, async () => {
      const record = this.require(id);
      const target = Date.now() + seconds * 1000;
      if (record.state === 'running' && target > Date.parse(record.endAt)) {
        record.endAt = new Date(target).toISOString();
        await this.persist(record);
        this.arm(record);
      }
    });
  }

  /** Snapshots a sandbox's files (processes are frozen during the copy so it is consistent). */
  async snapshot(id: string, name: string | undefined): Promise<TemplateRecord> {
    this.require(id);
    return this.serialize(id, async () => {
      const record = this.require(id);
      const live = this.liveOf(id);
      const freezeNow = record.state === 'running' && live.proc !== undefined && !live.frozen;
      if (freezeNow) await live.proc!.freeze();
      try {
        const snapshot = await this.opts.templates.createSnapshot(
          {
            sandboxID: id,
            filesDir: this.filesDir(id),
            cpuCount: record.cpuCount,
            memoryMB: record.memoryMB,
            diskSizeMB: record.diskSizeMB,
          },
          name,
        );
        this.log(id).add('info', `snapshot ${TemplateStore.snapshotId(snapshot)} created`);
        return snapshot;
      } finally {
        if (freezeNow) await live.proc?.thaw();
      }
    });
  }

  /**
   * Forks a sandbox: its files are copied once (processes frozen meanwhile) and `count` new
   * sandboxes start from the copy. Each fork succeeds or fails on its own.
   */
  async fork(id: string, body: SandboxForkRequest | undefined): Promise<Array<{ sandbox: SandboxRecord } | { error: { code: number; message: string } }>> {
    const source = this.require(id);
    const count = body?.count ?? 1;
    const timeout = validTimeout(body?.timeout, source.timeoutSeconds);
    const staging = join(this.dir(id), `fork-${process.pid}-${Date.now()}`);
    await this.serialize(id, async () => {
      const live = this.liveOf(id);
      const freezeNow = source.state === 'running' && live.proc !== undefined && !live.frozen;
      if (freezeNow) await live.proc!.freeze();
      try {
        await copyTree(this.filesDir(id), staging);
      } finally {
        if (freezeNow) await live.proc?.thaw();
      }
    });
    try {
      const results: Array<{ sandbox: SandboxRecord } | { error: { code: number; message: string } }> = [];
      for (let i = 0; i < count; i++) {
        const forkBody: NewSandbox = {
          templateID: source.templateID,
          timeout,
          metadata: source.metadata,
          envVars: source.envVars,
          secure: source.envdAccessToken !== undefined,
          allow_internet_access: source.allowInternetAccess,
          autoPause: source.lifecycle.onTimeout === 'pause',
          autoResume: { enabled: source.lifecycle.autoResume },
          autoPauseMemory: source.autoPauseMemory,
        };
        try {
          results.push({ sandbox: await this.create(forkBody, staging) });
        } catch (error) {
          const status = error instanceof ApiError ? error.status : 500;
          results.push({ error: { code: status, message: error instanceof Error ? error.message : String(error) } });
        }
      }
      return results;
    } finally {
      await rm(staging, { recursive: true, force: true });
    }
  }

  /** Records a new network configuration; it takes effect when the sandbox's processes next start. */
  async updateNetwork(id: string, body: SandboxNetworkUpdateConfig): Promise<void> {
    this.require(id);
    await this.serialize(id, async () => {
      const record = this.require(id);
      const network: SandboxNetworkConfig = { ...(record.network ?? {}) };
      // PUT replaces: what the body leaves out is cleared
      for (const key of ['allowOut', 'denyOut', 'egressProxy', 'rules'] as const) {
        if (body[key] !== undefined) (network as Record<string, unknown>)[key] = body[key];
        else delete network[key];
      }
      record.network = network;
      const denyAll = network.denyOut?.includes('0.0.0.0/0') ?? false;
      const allow = body.allow_internet_access !== false && !denyAll;
      if (allow !== record.allowInternetAccess) {
        record.allowInternetAccess = allow;
        this.log(id).add('warn', 'internet access changed; it applies when the sandbox is next resumed from a stop');
      }
      await this.persist(record);
    });
  }

  /**
   * The envd socket of a sandbox, for the proxy. A paused sandbox with autoResume is resumed
   * first; otherwise undefined means "not reachable" (the edge answers 502).
   */
  async envdSocket(id: string): Promise<string | undefined> {
    const record = this.records.get(id);
    if (!record) return undefined;
    if (record.state === 'paused') {
      if (!record.lifecycle.autoResume) return undefined;
      await this.connect(id, record.timeoutSeconds);
    }
    const live = this.live.get(id);
    if (!live?.proc || live.frozen) return undefined;
    await live.proc.ready;
    return live.proc.socketPath;
  }

  /** Metric samples in a time range (seconds); a running sandbox always yields a fresh one. */
  async metricsOf(id: string, startUnix?: number, endUnix?: number): Promise<MetricSample[]> {
    const record = this.require(id);
    const start = startUnix ?? Math.floor(Date.parse(record.startedAt) / 1000);
    const end = endUnix ?? Math.floor(Date.now() / 1000) + 1;
    const target = this.metricsTarget(record);
    if (target && endUnix === undefined) {
      const latest = this.metrics.latest(id);
      if (!latest || Date.now() / 1000 - latest.timestampUnix >= 1) {
        this.metrics.sampleOne(id, target);
        await this.metrics.settle(id);
      }
    }
    return this.metrics.range(id, start, end);
  }

  private metricsTarget(record: SandboxRecord): MetricsTarget | undefined {
    const live = this.live.get(record.sandboxID);
    if (record.state !== 'running' || !live?.proc || live.frozen) return undefined;
    const proc = live.proc;
    const dir = this.dir(record.sandboxID);
    return {
      rootPid: proc.pid,
      cpuCount: record.cpuCount,
      memoryMB: record.memoryMB,
      diskSizeMB: record.diskSizeMB,
      filesDir: this.filesDir(record.sandboxID),
      startedAtMs: Date.parse(record.startedAt),
      usage: () => proc.usage(),
      disk: this.opts.disks ? () => this.opts.disks!.stats(dir) : undefined,
    };
  }

  private sample(): void {
    const targets = new Map<string, MetricsTarget>();
    for (const record of this.records.values()) {
      const target = this.metricsTarget(record);
      if (target) targets.set(record.sandboxID, target);
    }
    this.metrics.sampleAll(targets);
  }

  /** Stops every process (for daemon shutdown); running sandboxes are saved as paused. */
  async shutdown(): Promise<void> {
    if (this.sampler) clearInterval(this.sampler);
    await this.spare?.close();
    await Promise.all(
      this.all().map((record) =>
        this.serialize(record.sandboxID, async () => {
          const live = this.live.get(record.sandboxID);
          if (live?.timer) clearTimeout(live.timer);
          await live?.proc?.kill();
          if (live) live.proc = undefined;
          if (record.state === 'running') {
            record.state = 'paused';
            record.pausedAt = new Date().toISOString();
            this.log(record.sandboxID).add('info', 'the local daemon stopped; the sandbox was paused (files kept)');
          }
          await this.persist(record);
          await this.logs.get(record.sandboxID)?.flush();
        }),
      ),
    );
    this.sockets?.close();
  }
}
