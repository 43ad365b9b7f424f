/**
 * The sandboxes of the local backend: their records, their processes (through the runtime), and
 * their lifecycle: timeouts that kill or pause, pause that freezes, connect that resumes, envd
 * restarted when it dies, and a daemon start-up that repairs what a dead daemon left.
 *
 * Every change of state goes through the table of lifecycle.ts, which persists the record
 * before the change is reported. Operations on one sandbox are serialized, so a kill arriving
 * during a resume waits for it. Time comes from an injected clock (clock.ts).
 *
 * A sandbox's host folder has an opaque random name, not its ID: mount tables of sandbox
 * processes (`/proc/<pid>/mountinfo`) are readable by every local user, and an ID is all it takes
 * to use an unsecured sandbox. Which folder holds which sandbox is read from the folders'
 * records at start-up.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { domainEntry } from '../runtime/egress-proxy.js';
import { parseCidr, type EgressPolicy } from '../runtime/network.js';
import type { NewSandbox, SandboxForkRequest, SandboxNetworkConfig, SandboxNetworkUpdateConfig, SandboxVolumeMount } from '../../gen/api/schemas.js';
import { RESTARTING_MESSAGE } from '../../protocol/sandbox-state.js';
import { copyTree } from '../copy-tree.js';
import { ENVD_VERSION } from '../envd/config.js';
import type { StatePaths } from '../paths.js';
import type { VolumeStore } from './volumes.js';
import type { Runtime, SandboxProcess } from '../runtime/index.js';
import type { SandboxExit } from '../runtime/types.js';
import type { Disks } from '../runtime/disk.js';
import { SocketDir } from '../runtime/socket.js';
import { readJson, writeJsonAtomic } from '../store.js';
import { realClock, type Clock, type ClockTimer } from './clock.js';
import { ApiError } from './http.js';
import { newAccessToken, newSandboxId } from './ids.js';
import { identifyProcess, reapProcessTree, removeUploadTemps, type ProcessIdentity } from './leftovers.js';
import {
  describeExit,
  Lifecycle,
  lifetimeRuns,
  mayRestart,
  RESTART_POLICY,
  wireState,
  type PauseReason,
  type RecordStore,
  type SandboxState,
} from './lifecycle.js';
import { SandboxLog } from './logs.js';
import { WarmSpare, postInit } from './spare.js';
import { METRICS_INTERVAL_MS, MetricsStore, type MetricSample, type MetricsTarget } from './metrics.js';
import { BASE_TEMPLATE_ID, layerIn, TemplateStore, type TemplateRecord } from './templates.js';

/** The longest lifetime a sandbox may be given, in seconds (E2B's Pro limit: 24 hours). */
export const MAX_TIMEOUT_S = 86_400;
/** Lifetime when a create request gives none (E2B's server default). */
const DEFAULT_TIMEOUT_S = 15;
/** Constant client ID E2B reports (the field is deprecated but required by the Python SDK). */
const CLIENT_ID = '6532622b';
/** Folders of killed sandboxes on their way out (renamed first, so the kill is atomic). */
const KILLED_PREFIX = '.killed-';

/** What is persisted about a sandbox. */
export interface SandboxRecord {
  sandboxID: string;
  templateID: string;
  alias?: string;
  clientID: string;
  envdVersion: string;
  envdAccessToken?: string;
  /**
   * Wanted in `e2b-traffic-access-token` on every request to a user port, when the sandbox was
   * created with `network.allowPublicTraffic: false` (ports.ts). Random, kept for the sandbox's
   * life (pause and resume included), as the envd access token is.
   */
  trafficAccessToken?: string;
  startedAt: string;
  endAt: string;
  cpuCount: number;
  memoryMB: number;
  diskSizeMB: number;
  /** The lifecycle state (lifecycle.ts); the API shows `wireState(state)`. */
  state: SandboxState;
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
  /**
   * The template layers the sandbox stands on, highest first, fixed at its creation (where the
   * runtime mounts layers; elsewhere they were copied into its files).
   */
  layers?: string[];
  pausedAt?: string;
  pauseReason?: PauseReason;
  /** The root of the sandbox's process tree while it has one (a dead daemon's are reaped). */
  process?: ProcessIdentity;
  /** How many times envd was started again after it died on its own. */
  restarts?: number;
}

interface Live {
  proc?: SandboxProcess | undefined;
  frozen: boolean;
  timer?: ClockTimer | undefined;
  queue: Promise<unknown>;
  /** When envd was restarted after dying (for RESTART_POLICY). */
  restartTimes: number[];
  /** No upload temporary is left in the files: they were cleaned and no envd ran since. */
  uploadsClean: boolean;
}

/** How the manager finds and stops process trees a dead daemon left (tests replace it). */
export interface ProcessReaper {
  identify(pid: number): Promise<ProcessIdentity | undefined>;
  /** Stops the tree if it still runs; true when it did. */
  reap(identity: ProcessIdentity): Promise<boolean>;
}

/** Options of {@link SandboxManager}. */
export interface SandboxManagerOptions {
  paths: StatePaths;
  runtime: Runtime;
  templates: TemplateStore;
  /** The daemon's own log. */
  log: (level: 'info' | 'warn' | 'error', message: string) => void;
  /** How many warm spare sandbox processes to keep ready for `base` (where the runtime allows; 0: none). @default 2 */
  warmSpares?: number;
  /** Time for lifetimes and the restart policy. @default the real clock */
  clock?: Clock;
  /**
   * Wraps the record store: `sandbox.json` in each sandbox's folder, written atomically (tests
   * watch the order of writes through it).
   */
  store?: (folders: RecordStore<SandboxRecord>) => RecordStore<SandboxRecord>;
  /** @default this machine's process-tree backend (pid, start time, boot: runtime/process-tree.ts) */
  processes?: ProcessReaper;
  /** When to stop restarting a dying envd. @default RESTART_POLICY (3 restarts within 60 s) */
  restartPolicy?: { limit: number; windowMs: number };
  /** Sandbox disks held to the template's size (where enforced; see runtime/disk.ts). */
  disks?: Disks;
  /** Volumes sandboxes may mount (`volumeMounts`); without it, a mount is refused. */
  volumes?: VolumeStore;
}

/** Mount points a volume may not take: the kernel's and envd's own, which must stay what they are. */
const RESERVED_MOUNT_POINTS = ['/proc', '/dev', '/sys', '/run'];

/**
 * Checks `volumeMounts` of a create: each names an existing volume and an absolute, normalized
 * path that is not `/` nor a reserved mount point (or below one), each path once.
 */
export function checkVolumeMounts(mounts: SandboxVolumeMount[], volumes: VolumeStore | undefined, runtime: Runtime): void {
  if (mounts.length === 0) return;
  if (!runtime.mountsVolumes || !volumes) {
    throw new ApiError(
      400,
      `volume mounts need the bubblewrap runtime; this local backend runs sandboxes ${runtime.isolated ? `with ${runtime.name}` : 'unisolated'}, where a mount would be the host folder itself`,
    );
  }
  const seen = new Set<string>();
  for (const mount of mounts) {
    const path = mount.path;
    if (!path.startsWith('/') || posix.normalize(path) !== path || path.endsWith('/') || path.includes('\0') || path.length > 4096) {
      throw new ApiError(400, `volume mount path ${JSON.stringify(path)} must be an absolute, normalized path (no "..", no trailing "/")`);
    }
    if (path === '/' || RESERVED_MOUNT_POINTS.some((r) => path === r || path.startsWith(`${r}/`))) {
      throw new ApiError(400, `a volume cannot be mounted at ${path} (reserved: /, ${RESERVED_MOUNT_POINTS.join(', ')})`);
    }
    if (seen.has(path)) throw new ApiError(400, `two volumes are mounted at ${path}`);
    seen.add(path);
    if (!volumes.byName(mount.name)) throw new ApiError(400, `volume ${mount.name} not found`);
  }
}

/**
 * Why envd cannot take a request for a sandbox that exists: the edge answers with `status`
 * (503 while envd restarts).
 */
export class SandboxUnavailableError extends Error {
  constructor(
    readonly status: 503,
    readonly state: 'restarting',
    message: string,
  ) {
    super(message);
    this.name = 'SandboxUnavailableError';
  }
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

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** Records as `sandbox.json` in each sandbox's folder; a kill renames the folder away, then deletes it. */
class FolderStore implements RecordStore<SandboxRecord> {
  constructor(
    private readonly sandboxesDir: string,
    private readonly dirOf: (id: string) => string,
  ) {}

  save(record: SandboxRecord): Promise<void> {
    return writeJsonAtomic(join(this.dirOf(record.sandboxID), 'sandbox.json'), record, 0o600);
  }

  async remove(record: SandboxRecord): Promise<void> {
    const gone = join(this.sandboxesDir, `${KILLED_PREFIX}${randomBytes(6).toString('hex')}`);
    try {
      await rename(this.dirOf(record.sandboxID), gone);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    await rm(gone, { recursive: true, force: true });
  }
}

const realReaper: ProcessReaper = { identify: (pid) => identifyProcess(pid), reap: (identity) => reapProcessTree(identity) };

/** How a pause holds a sandbox's processes, in its log's words: only a cgroup freezer freezes. */
function heldHow(proc: SandboxProcess | undefined): string {
  return proc?.freezeKind === 'signals' ? 'every process stopped with SIGSTOP; SIGCONT at resume' : 'processes frozen';
}

export class SandboxManager {
  private readonly records = new Map<string, SandboxRecord>();
  private readonly live = new Map<string, Live>();
  private readonly logs = new Map<string, SandboxLog>();
  /** Sandbox ID → name of its folder under `sandboxes/`. */
  private readonly folders = new Map<string, string>();
  /** How processes ended, kept from the moment they did (before their death is handled). */
  private readonly exits = new WeakMap<SandboxProcess, SandboxExit>();
  readonly metrics = new MetricsStore();
  private readonly clock: Clock;
  private readonly lifecycle: Lifecycle<SandboxRecord>;
  private readonly processes: ProcessReaper;
  private sampler?: NodeJS.Timeout;
  private sampling?: Promise<void> | undefined;
  private sockets?: SocketDir;
  private spare?: WarmSpare;
  /** A spare standing on the layers of the template last created from. */
  private templateSpare?: WarmSpare;
  private closing = false;

  constructor(private readonly opts: SandboxManagerOptions) {
    this.clock = opts.clock ?? realClock;
    this.processes = opts.processes ?? realReaper;
    const folders = new FolderStore(opts.paths.sandboxes, (id) => this.dir(id));
    this.lifecycle = new Lifecycle<SandboxRecord>({
      store: opts.store ? opts.store(folders) : folders,
      onTransition: (record, t) => {
        if (t.to === 'killed') this.forget(record.sandboxID);
        else this.arm(record);
      },
    });
  }

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

  /** Folders of the sandbox's files that the runtime keeps as upper layers of their own (`upper/usr`, ...). */
  private overlayDirs(): readonly string[] {
    return this.opts.runtime.overlayDirs ?? [];
  }

  /**
   * Copies a tree of sandbox files (a layer, a fork's copy) into a sandbox: the overlay folders'
   * parts (`usr/`, `etc/`, ...) into their upper layers, the rest into its `/`.
   */
  private async seedInto(src: string, id: string): Promise<void> {
    const split = this.overlayDirs();
    await copyTree(src, this.filesDir(id), { exclude: split });
    for (const name of split) {
      if (existsSync(join(src, name))) await copyTree(join(src, name), join(this.dir(id), 'upper', name));
    }
  }

  /** Writes what the sandbox itself wrote (its upper layers) into `dst`, as one tree. */
  private async writeOwnFiles(id: string, dst: string): Promise<void> {
    await copyTree(this.filesDir(id), dst, { exclude: this.overlayDirs() });
    for (const name of this.overlayDirs()) {
      const upper = join(this.dir(id), 'upper', name);
      if (existsSync(upper)) await copyTree(upper, join(dst, name));
    }
  }

  private iso(ms: number = this.clock.now()): string {
    return new Date(ms).toISOString();
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
      live = { frozen: false, queue: Promise.resolve(), restartTimes: [], uploadsClean: false };
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

  /** Resolves once every operation queued on the sandbox, including those queued meanwhile, has finished. */
  async settled(id: string): Promise<void> {
    for (let live = this.live.get(id); live; ) {
      const queue = live.queue;
      await queue;
      const now = this.live.get(id);
      if (now === live && now.queue === queue) return;
      live = now;
    }
  }

  /** Drops everything kept in memory about a killed sandbox. */
  private forget(id: string): void {
    const live = this.live.get(id);
    if (live?.timer) this.clock.clearTimeout(live.timer);
    this.records.delete(id);
    this.live.delete(id);
    this.metrics.forget(id);
    this.logs.delete(id);
    this.folders.delete(id);
  }

  /**
   * Loads saved sandboxes and repairs what a daemon that died left behind: a create it never
   * answered is undone, a kill it began is finished, process trees it left (frozen ones too) are
   * stopped, a sandbox whose lifetime ended while no daemon ran is killed (or paused, per its
   * onTimeout), every other one comes back paused with its files, and upload temporaries of
   * interrupted transfers are removed.
   */
  async load(): Promise<void> {
    await mkdir(this.opts.paths.sandboxes, { recursive: true, mode: 0o700 });
    this.sockets = SocketDir.open(this.opts.paths.sockets);
    await WarmSpare.removeLeftovers(this.opts.paths.sandboxes);
    for (const folder of await readdir(this.opts.paths.sandboxes)) {
      if (folder.startsWith(KILLED_PREFIX)) await rm(join(this.opts.paths.sandboxes, folder), { recursive: true, force: true });
      if (folder.startsWith('.')) continue;
      const record = await readJson<SandboxRecord>(join(this.opts.paths.sandboxes, folder, 'sandbox.json'));
      if (!record || typeof record.sandboxID !== 'string' || this.records.has(record.sandboxID)) continue;
      const id = record.sandboxID;
      this.folders.set(id, folder);
      this.records.set(id, record);
      try {
        await this.recover(record);
      } catch (error) {
        this.opts.log('error', `could not recover sandbox ${id}: ${messageOf(error)}`);
      }
    }
    this.sampler = setInterval(() => this.sample(), METRICS_INTERVAL_MS);
    this.sampler.unref();
    // layers of deleted templates and old builds that no sandbox stands on any more
    await this.opts.templates.collect(new Set(this.all().flatMap((r) => r.layers ?? []))).catch((error: unknown) => {
      this.opts.log('warn', `could not clean up unused template layers: ${error instanceof Error ? error.message : String(error)}`);
    });
    const spareOpts = {
      runtime: this.opts.runtime,
      sandboxesDir: this.opts.paths.sandboxes,
      stateRoot: this.opts.paths.root,
      sockets: this.sockets,
      enabled: this.opts.runtime.relocatable && this.opts.warmSpares !== 0,
      log: this.opts.log,
      disks: this.opts.disks,
      // the common case (the base template's); a create with another size starts afresh
      diskSizeMB: this.opts.templates.find('base')?.diskSizeMB,
    };
    // as many for the template last created from as for base: scripts make sandboxes of one
    // template in a row, whichever it is
    this.spare = new WarmSpare({ ...spareOpts, count: this.opts.warmSpares ?? 2 });
    this.templateSpare = new WarmSpare({ ...spareOpts, count: this.opts.warmSpares ?? 2 });
    this.spare.refill();
  }

  /** One saved sandbox at start-up (see load). */
  private async recover(record: SandboxRecord): Promise<void> {
    const id = record.sandboxID;
    if (record.process && (await this.processes.reap(record.process))) {
      this.log(id).add('warn', 'processes left running by the previous daemon were stopped');
      this.opts.log('warn', `stopped the processes sandbox ${id} had left from the previous daemon`);
    }
    const was = record.state;
    if (was === 'creating') {
      this.opts.log('warn', `sandbox ${id} was being created when the previous daemon stopped; it is removed`);
      await this.lifecycle.apply(record, 'createFailed');
      return;
    }
    if (was === 'killing') {
      await this.lifecycle.apply(record, 'removed');
      this.opts.log('info', `finished killing sandbox ${id}`);
      return;
    }
    // Its lifetime ran on while no daemon ran: it was running, or stopped with the daemon.
    const lifetimeRan = was === 'running' || was === 'restarting' || was === 'pausing' || (was === 'paused' && record.pauseReason === 'daemon-stopped');
    const ended = lifetimeRan && Date.parse(record.endAt) <= this.clock.now();
    if (was !== 'paused' || record.process || record.pauseReason === 'daemon-stopped') {
      const reason: PauseReason | undefined = ended ? 'timeout' : lifetimeRan ? 'daemon-restarted' : record.pauseReason;
      await this.lifecycle.apply(record, 'recovered', {
        process: undefined,
        pauseReason: reason,
        pausedAt: was === 'paused' || was === 'resuming' ? record.pausedAt : this.iso(),
      });
      if (was !== 'paused' && !ended) this.log(id).add('warn', 'the local daemon restarted; the sandbox was paused (files kept, processes lost)');
    }
    if (ended) {
      if (record.lifecycle.onTimeout === 'kill') {
        this.log(id).add('info', 'its timeout passed while the local daemon was down; killing');
        await this.killLocked(id);
        this.opts.log('info', `sandbox ${id} reached its timeout while the daemon was down (kill)`);
        return;
      }
      this.log(id).add('info', 'its timeout passed while the local daemon was down; paused (files kept)');
    }
    // Before anything else touches its files (a resume, a snapshot, a fork).
    void this.serialize(id, () => this.cleanUploads(id)).catch((error: unknown) => {
      this.opts.log('warn', `could not clean upload temporaries of sandbox ${id}: ${messageOf(error)}`);
    });
  }

  /** Removes upload temporaries an envd killed mid-transfer left, unless none can be there. */
  private async cleanUploads(id: string): Promise<void> {
    const live = this.liveOf(id);
    if (live.uploadsClean || !this.records.has(id)) return;
    let removed = await removeUploadTemps(this.filesDir(id));
    // uploads into /usr, /etc, ... land in their upper layers
    for (const name of this.overlayDirs()) {
      const upper = join(this.dir(id), 'upper', name);
      if (existsSync(upper)) removed += await removeUploadTemps(upper);
    }
    live.uploadsClean = true;
    if (removed > 0) this.log(id).add('info', `removed ${removed} temporary file(s) of interrupted uploads`);
  }

  /** Every sandbox the API shows (all but the killed, which are forgotten at once anyway). */
  all(): SandboxRecord[] {
    return [...this.records.values()].filter((r) => wireState(r) !== undefined);
  }

  /** Whether a sandbox stands on a layer inside `dir` (then it must not be removed). */
  standsOn(dir: string): boolean {
    return this.all().some((r) => (r.layers ?? []).some((layer) => layerIn(layer, dir)));
  }

  /** Stops a warm spare standing on layers inside `dir` (a template that is going away). */
  async dropSparesOn(dir: string): Promise<void> {
    if (this.templateSpare?.standsOn(dir)) await this.templateSpare.drop();
  }

  get(id: string): SandboxRecord | undefined {
    const record = this.records.get(id);
    return record && wireState(record) !== undefined ? record : undefined;
  }

  /** The record, or a 404 in E2B's words. */
  require(id: string): SandboxRecord {
    const record = this.get(id);
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
    checkVolumeMounts(body.volumeMounts ?? [], this.opts.volumes, this.opts.runtime);
    const id = newSandboxId();
    const now = this.clock.now();
    const draft: Omit<SandboxRecord, 'state'> = {
      sandboxID: id,
      templateID: template.templateID,
      clientID: CLIENT_ID,
      envdVersion: ENVD_VERSION,
      startedAt: this.iso(now),
      endAt: this.iso(now + timeout * 1000),
      cpuCount: template.cpuCount,
      memoryMB: template.memoryMB,
      diskSizeMB: template.diskSizeMB,
      metadata,
      envVars,
      allowInternetAccess: body.allow_internet_access !== false && !denyAll,
      lifecycle: { onTimeout: body.autoPause ? 'pause' : 'kill', autoResume: body.autoResume?.enabled === true },
      autoPauseMemory: body.autoPauseMemory ?? true,
      volumeMounts: (body.volumeMounts ?? []).map((m) => ({ name: m.name, path: m.path })),
      timeoutSeconds: timeout,
    };
    const alias = template.aliases[0] ?? template.names[0];
    if (alias) draft.alias = alias;
    if (body.secure === true) draft.envdAccessToken = newAccessToken();
    if (body.network?.allowPublicTraffic === false) draft.trafficAccessToken = newAccessToken();
    if (body.network) draft.network = body.network;

    this.folders.set(id, randomBytes(10).toString('hex'));
    return this.serialize(id, async () => {
      let record: SandboxRecord | undefined;
      try {
        const layers = this.opts.templates.layersOf(template.templateID);
        const mountsLayers = this.overlayDirs().length > 0;
        if (mountsLayers && layers.length > 0) draft.layers = layers;
        // A spare stands on its layers, and its upper layers are in use: it fits a sandbox on the
        // same layers with no files of its own to seed in them.
        // (a spare started without the volumes this sandbox mounts)
        const fitsSpare =
          draft.volumeMounts.length === 0 &&
          (layers.length === 0 || mountsLayers) &&
          (!seedFiles || !this.overlayDirs().some((name) => existsSync(join(seedFiles, name))));
        const spareOf = layers.length > 0 ? this.templateSpare : this.spare;
        // A warm spare's folder becomes this sandbox's folder, so take it before writing anything.
        // a spare has the default network rules; a runtime that changes rules live gives it others
        const rulesFit = draft.allowInternetAccess || this.opts.runtime.enforcesEgress === true;
        const spare = fitsSpare ? await spareOf?.take(this.dir(id), rulesFit, draft.diskSizeMB, draft.layers ?? []) : undefined;
        if (!spare) await mkdir(this.dir(id), { recursive: true, mode: 0o700 });
        if (!spare) await this.makeDisk(id, draft.diskSizeMB);
        record = await this.lifecycle.create(draft);
        this.records.set(id, record);
        // Where layers cannot be mounted, they are copied in, lowest first.
        if (!mountsLayers) for (const layer of [...layers].reverse()) await this.seedInto(layer, id);
        if (seedFiles) await this.seedInto(seedFiles, id);
        // fresh copies: no upload can have been interrupted in them
        this.liveOf(id).uploadsClean = true;
        this.log(id).add('info', `sandbox created from template ${alias ?? template.templateID}`, {
          templateID: template.templateID,
          runtime: this.opts.runtime.name,
        });
        let proc: SandboxProcess;
        if (spare) {
          spare.logTo((line) => this.log(id).add('info', line, { source: 'envd' }));
          proc = spare.proc;
          this.adopt(id, proc);
          // a spare starts with the default rules (internet, nothing denied)
          if (!isDefaultEgress(egressOf(record))) await proc.setEgress?.(egressOf(record));
          await postInit(proc, {
            sandboxId: id,
            templateId: record.templateID,
            envVars: record.envVars,
            accessToken: record.envdAccessToken ?? null,
            defaultUser: 'user',
          });
        } else {
          proc = await this.startEnvd(record);
        }
        if (!this.opts.runtime.enforcesEgress && !isDefaultEgress(egressOf(record))) {
          this.log(id).add('warn', `network rules are NOT enforced: ${this.opts.runtime.description}`);
        }
        await this.lifecycle.apply(record, 'started', { process: await this.processes.identify(proc.pid) });
        this.opts.log('info', `created sandbox ${id} (template ${alias ?? template.templateID}, timeout ${timeout}s)`);
        // The template's spawn count is saved while the answer goes out (counted at once, written
        // to disk on the way), and the next spare starts after the answer is written (that happens
        // in the microtasks after this return, before any immediate): its start does synchronous
        // work (its root, its /etc) that would otherwise run while the caller waits.
        this.opts.templates.recordSpawn(template.templateID).catch((error: unknown) => {
          this.opts.log('warn', `could not record a spawn of template ${template.templateID}: ${messageOf(error)}`);
        });
        setImmediate(() => {
          this.spare?.refill();
          // the next sandbox of this template finds one ready too
          if (mountsLayers && layers.length > 0) this.templateSpare?.refill(layers);
        });
        return record;
      } catch (error) {
        await this.undoCreate(id, record);
        if (error instanceof ApiError) throw error;
        throw new ApiError(500, `could not start the sandbox: ${messageOf(error)}`);
      }
    });
  }

  /** Detaches a sandbox's disk (where disks are enforced); a failure is logged, not thrown. */
  private async unmountDisk(id: string): Promise<void> {
    await this.opts.disks?.unmount(this.dir(id)).catch((error: unknown) => {
      this.opts.log('error', `could not unmount the disk of sandbox ${id}: ${messageOf(error)}`);
    });
  }

  /** Removes what a failed create made. */
  private async undoCreate(id: string, record: SandboxRecord | undefined): Promise<void> {
    try {
      await this.stopProcesses(id);
      if (record?.state === 'creating') {
        await this.logs.get(id)?.flush();
        await this.lifecycle.apply(record, 'createFailed');
        return;
      }
      if (record && record.state !== 'killed') {
        await this.killLocked(id);
        return;
      }
      await this.unmountDisk(id);
      await rm(this.dir(id), { recursive: true, force: true });
      this.forget(id);
    } catch (error) {
      this.opts.log('error', `could not clean up the failed sandbox ${id}: ${messageOf(error)}`);
    }
  }

  /** Starts envd on a sandbox's files and waits for it (a cold start: create, resume, reboot). */
  private async startEnvd(record: SandboxRecord): Promise<SandboxProcess> {
    const id = record.sandboxID;
    await this.cleanUploads(id);
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
      egress: egressOf(record),
      layers: record.layers ?? [],
      volumes: this.volumeBinds(record),
      envd,
      onLog: (line) => this.log(id).add('info', line, { source: 'envd' }),
    });
    try {
      await proc.ready;
    } catch (error) {
      await proc.kill().catch(() => {});
      throw error;
    }
    this.adopt(id, proc);
    return proc;
  }

  /** The host folders of a sandbox's volume mounts, looked up by name at every start. */
  private volumeBinds(record: SandboxRecord): Array<{ source: string; target: string }> {
    return (record.volumeMounts ?? []).map((mount) => {
      const volume = this.opts.volumes?.byName(mount.name);
      if (!volume) throw new ApiError(409, `volume ${mount.name}, mounted at ${mount.path}, no longer exists`);
      return { source: this.opts.volumes!.dataDir(volume.volumeID), target: mount.path };
    });
  }

  /** Sandboxes (running or paused) that mount the volume named `name`. */
  mountersOf(name: string): string[] {
    return this.all()
      .filter((r) => (r.volumeMounts ?? []).some((m) => m.name === name))
      .map((r) => r.sandboxID);
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
    live.uploadsClean = false;
    void proc.exited.then((exit) => this.onExit(id, proc, exit));
  }

  /**
   * A sandbox's process tree ended. Unless the daemon stopped it (it lets go of a process before
   * it stops it), envd died on its own: that is a transition (running → restarting), handled in
   * turn with the sandbox's other operations.
   */
  private onExit(id: string, proc: SandboxProcess, exit: SandboxExit): void {
    this.exits.set(proc, exit);
    if (this.closing || this.live.get(id)?.proc !== proc) return;
    this.serialize(id, () => this.rebootLocked(id, proc, exit)).catch((error: unknown) => {
      this.opts.log('error', `sandbox ${id}: could not handle the end of envd: ${messageOf(error)}`);
    });
  }

  /** Lets go of a sandbox's processes and stops them (they may be gone already). */
  private async stopProcesses(id: string): Promise<void> {
    const live = this.live.get(id);
    const proc = live?.proc;
    if (!live || !proc) return;
    live.proc = undefined;
    live.frozen = false;
    try {
      await proc.kill();
    } catch (error) {
      this.opts.log('warn', `sandbox ${id}: stopping its processes failed: ${messageOf(error)}`);
    }
  }

  /** envd died while the sandbox ran: start it again on the same files, or give up (RESTART_POLICY). */
  private async rebootLocked(id: string, proc: SandboxProcess, exit: SandboxExit): Promise<void> {
    const record = this.records.get(id);
    const live = this.live.get(id);
    if (this.closing || !record || !live || live.proc !== proc || record.state !== 'running') return;
    const why = describeExit(exit);
    this.log(id).add('warn', `envd exited unexpectedly (${why}); restarting it on the same files`);
    this.opts.log('warn', `sandbox ${id}: envd exited unexpectedly (${why}); restarting it`);
    await this.lifecycle.apply(record, 'envdExited');
    // its socket file and freezer group go with it
    await this.stopProcesses(id);
    const policy = this.opts.restartPolicy ?? RESTART_POLICY;
    for (;;) {
      const now = this.clock.now();
      if (!mayRestart(live.restartTimes, now, policy)) {
        await this.lifecycle.apply(record, 'gaveUp', { pausedAt: this.iso(now), pauseReason: 'crashed', process: undefined });
        const message = `envd stopped ${policy.limit + 1} times within ${policy.windowMs / 1000} s; the sandbox was paused (files kept): resume it to start envd again`;
        this.log(id).add('error', message);
        this.opts.log('error', `sandbox ${id}: ${message}`);
        return;
      }
      live.restartTimes = [...live.restartTimes.filter((t) => now - t < policy.windowMs), now];
      try {
        const fresh = await this.startEnvd(record);
        const restarts = (record.restarts ?? 0) + 1;
        await this.lifecycle.apply(record, 'rebooted', { process: await this.processes.identify(fresh.pid), restarts });
        this.log(id).add('info', `envd restarted (restart ${restarts}); files kept, processes lost`);
        this.opts.log('info', `sandbox ${id}: envd restarted (restart ${restarts})`);
        return;
      } catch (error) {
        this.log(id).add('warn', `envd could not be started again: ${messageOf(error)}`);
      }
    }
  }

  /** (Re)arms the lifetime timer: armed exactly while the lifetime runs. */
  private arm(record: SandboxRecord): void {
    const live = this.liveOf(record.sandboxID);
    if (live.timer) this.clock.clearTimeout(live.timer);
    live.timer = undefined;
    if (!lifetimeRuns(record.state)) return;
    const wait = Date.parse(record.endAt) - this.clock.now();
    live.timer = this.clock.setTimeout(() => this.expire(record.sandboxID), wait);
  }

  /** The timer fired: kill or pause, unless the lifetime was extended meanwhile. */
  private expire(id: string): void {
    if (!this.records.has(id)) return;
    this.serialize(id, async () => {
      const record = this.records.get(id);
      if (!record || !lifetimeRuns(record.state)) return;
      if (Date.parse(record.endAt) > this.clock.now()) {
        this.arm(record);
        return;
      }
      if (record.lifecycle.onTimeout === 'pause') {
        this.log(id).add('info', 'timeout reached; pausing');
        await this.pauseLocked(id, record.autoPauseMemory, 'timeout');
      } else {
        this.log(id).add('info', 'timeout reached; killing');
        await this.killLocked(id);
      }
      this.opts.log('info', `sandbox ${id} reached its timeout (${record.lifecycle.onTimeout})`);
    }).catch((error: unknown) => {
      this.opts.log('error', `timeout of sandbox ${id} failed: ${messageOf(error)}`);
    });
  }

  /** Kills a sandbox: false when it does not exist. */
  async kill(id: string): Promise<boolean> {
    if (!this.get(id)) return false;
    return this.serialize(id, () => this.killLocked(id));
  }

  /** Kill: always ends with the sandbox gone, whether its processes were still there or not. */
  private async killLocked(id: string): Promise<boolean> {
    const record = this.records.get(id);
    if (!record) return false;
    if (record.state !== 'killing') await this.lifecycle.apply(record, 'kill');
    // The disk is detached lazily, so it can go while the processes that use it are killed.
    await Promise.all([this.stopProcesses(id), this.unmountDisk(id)]);
    await this.logs.get(id)?.flush();
    await this.lifecycle.apply(record, 'removed');
    this.opts.log('info', `killed sandbox ${id}`);
    return true;
  }

  /**
   * Pauses a running sandbox: freezes its processes (memory kept) or stops them (files only).
   * Returns false when it was already paused.
   */
  async pause(id: string, keepMemory = true): Promise<boolean> {
    this.require(id);
    return this.serialize(id, () => this.pauseLocked(id, keepMemory, 'requested'));
  }

  private async pauseLocked(id: string, keepMemory: boolean, reason: PauseReason): Promise<boolean> {
    const record = this.require(id);
    if (record.state === 'paused') return false;
    await this.lifecycle.apply(record, 'pause');
    const live = this.liveOf(id);
    const proc = live.proc;
    const freeze = proc !== undefined && keepMemory;
    try {
      if (proc && freeze) {
        await proc.freeze();
        live.frozen = true;
      } else if (proc) {
        live.proc = undefined;
        await proc.kill();
      }
    } catch (error) {
      // Back to running, as it was: thawed, or with the envd that could not be stopped.
      if (proc) {
        if (freeze) await proc.thaw().catch(() => {});
        live.proc = proc;
        live.frozen = false;
      }
      await this.lifecycle.apply(record, 'pauseFailed');
      this.log(id).add('error', `pause failed (${messageOf(error)}); the sandbox keeps running`);
      // envd may have died meanwhile, unwatched: its end is handled now
      const exit = proc && this.exits.get(proc);
      if (proc && exit) this.onExit(id, proc, exit);
      throw new ApiError(500, `could not pause the sandbox: ${messageOf(error)}`);
    }
    await this.lifecycle.apply(record, 'paused', { pausedAt: this.iso(), pauseReason: reason, process: freeze ? record.process : undefined });
    this.log(id).add('info', freeze ? `sandbox paused (${heldHow(proc)})` : 'sandbox paused (files kept, processes stopped)');
    return true;
  }

  /**
   * Brings a paused sandbox back (thaws its processes, or restarts envd when they were lost or
   * `memory` is false) with a lifetime of `timeout` seconds. For a running sandbox, only extends
   * its lifetime.
   */
  async connect(id: string, timeoutSeconds: number | undefined, opts: { memory?: boolean } = {}): Promise<{ record: SandboxRecord; resumed: boolean }> {
    this.require(id);
    const timeout = validTimeout(timeoutSeconds, DEFAULT_TIMEOUT_S);
    return this.serialize(id, async () => {
      const record = this.require(id);
      if (lifetimeRuns(record.state)) {
        const target = this.clock.now() + timeout * 1000;
        if (target > Date.parse(record.endAt)) {
          await this.lifecycle.update(record, { endAt: this.iso(target), timeoutSeconds: timeout });
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
      if (wireState(record) === 'running') throw new ApiError(409, `Sandbox ${id} is already running`);
      await this.resumeLocked(record, timeout);
      return record;
    });
  }

  /**
   * Resumes a paused sandbox; `memory: false` discards frozen processes and boots envd afresh.
   * A resume that fails leaves it paused, as it was, in memory and on disk.
   */
  private async resumeLocked(record: SandboxRecord, timeout: number, memory = true): Promise<void> {
    const id = record.sandboxID;
    await this.lifecycle.apply(record, 'resume');
    const live = this.liveOf(id);
    let how: string;
    try {
      if (live.proc && live.frozen && memory) {
        await live.proc.thaw();
        live.frozen = false;
        how = 'processes thawed';
      } else {
        await this.stopProcesses(id);
        await this.startEnvd(record);
        how = 'envd restarted; files kept';
      }
    } catch (error) {
      if (live.proc && live.frozen) await live.proc.freeze().catch(() => {});
      await this.lifecycle.apply(record, 'resumeFailed', { process: live.proc ? record.process : undefined });
      this.log(id).add('error', `resume failed (${messageOf(error)}); the sandbox stays paused`);
      throw new ApiError(500, `could not resume the sandbox: ${messageOf(error)}`);
    }
    // a resume is a fresh start for the restart policy as well
    live.restartTimes = [];
    const proc = live.proc;
    await this.lifecycle.apply(record, 'resumed', {
      endAt: this.iso(this.clock.now() + timeout * 1000),
      timeoutSeconds: timeout,
      pausedAt: undefined,
      pauseReason: undefined,
      process: proc ? await this.processes.identify(proc.pid) : undefined,
    });
    this.log(id).add('info', `sandbox resumed (${how})`);
  }

  /** Sets the remaining lifetime to `timeout` seconds from now (may shorten it). */
  async setTimeout(id: string, timeoutSeconds: number): Promise<void> {
    this.require(id);
    // 0 is allowed here, as E2B's API allows it (minimum 0): the on-timeout action runs at once.
    const timeout = timeoutSeconds === 0 ? 0 : validTimeout(timeoutSeconds, DEFAULT_TIMEOUT_S);
    await this.serialize(id, async () => {
      const record = this.require(id);
      const endAt = lifetimeRuns(record.state) ? this.iso(this.clock.now() + timeout * 1000) : record.endAt;
      // A lifetime of 0 is not kept as the sandbox's timeout: a later resume gets the last real one.
      await this.lifecycle.update(record, { ...(timeout > 0 ? { timeoutSeconds: timeout } : {}), endAt });
      this.arm(record);
    });
  }

  /** Keep-alive: extends the lifetime to at least `duration` seconds from now. */
  async refresh(id: string, duration: number | undefined): Promise<void> {
    this.require(id);
    const seconds = duration === undefined ? DEFAULT_TIMEOUT_S : validTimeout(duration, DEFAULT_TIMEOUT_S);
    await this.serialize(id, async () => {
      const record = this.require(id);
      const target = this.clock.now() + seconds * 1000;
      if (lifetimeRuns(record.state) && target > Date.parse(record.endAt)) {
        await this.lifecycle.update(record, { endAt: this.iso(target) });
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
            // the sandbox's own files, on top of the layers it stands on (where they were copied
            // in instead, its files hold them all)
            writeFiles: (dst) => this.writeOwnFiles(id, dst),
            parentTemplateID: record.layers ? record.templateID : BASE_TEMPLATE_ID,
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
    const staging = join(this.dir(id), `fork-${process.pid}-${this.clock.now()}`);
    await this.serialize(id, async () => {
      const live = this.liveOf(id);
      const freezeNow = source.state === 'running' && live.proc !== undefined && !live.frozen;
      if (freezeNow) await live.proc!.freeze();
      try {
        await this.writeOwnFiles(id, staging);
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
          ...(source.volumeMounts?.length ? { volumeMounts: source.volumeMounts } : {}),
          // a fork of a sandbox whose ports are private keeps them private (with a token of its own)
          ...(source.network ? { network: source.network } : {}),
        };
        try {
          results.push({ sandbox: await this.create(forkBody, staging) });
        } catch (error) {
          const status = error instanceof ApiError ? error.status : 500;
          results.push({ error: { code: status, message: messageOf(error) } });
        }
      }
      return results;
    } finally {
      await rm(staging, { recursive: true, force: true });
    }
  }

  /**
   * Replaces a sandbox's network configuration (PUT: what the body leaves out is cleared). A
   * running sandbox gets the new egress rules at once; a paused one when it resumes.
   */
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
      const denyAll = network.denyOut?.includes('0.0.0.0/0') ?? false;
      const allow = body.allow_internet_access !== false && !denyAll;
      await this.lifecycle.update(record, { network, allowInternetAccess: allow });
      const proc = this.live.get(id)?.proc;
      if (proc?.setEgress) await proc.setEgress(egressOf(record));
      this.log(id).add(
        'info',
        `network rules updated (internet ${allow ? 'allowed' : 'denied'}, allowOut ${network.allowOut?.length ?? 0}, denyOut ${network.denyOut?.length ?? 0})`,
      );
      if (!this.opts.runtime.enforcesEgress) this.log(id).add('warn', `network rules are NOT enforced: ${this.opts.runtime.description}`);
    });
  }

  /**
   * The envd socket of a sandbox, for the proxy. A paused sandbox with autoResume is resumed
   * first; otherwise undefined means "not reachable" (the edge answers 502). Throws
   * {@link SandboxUnavailableError} while envd restarts (the edge answers 503).
   */
  async envdSocket(id: string): Promise<string | undefined> {
    return (await this.envdEndpoint(id))?.socketPath;
  }

  /**
   * {@link envdSocket} with the secret envd wants on platform-only requests (the port tunnel),
   * under the same rules: a paused sandbox with autoResume is resumed first.
   */
  async envdEndpoint(id: string): Promise<{ socketPath: string; platformSecret: string } | undefined> {
    let record = this.get(id);
    if (!record) return undefined;
    if (record.state === 'paused' && record.lifecycle.autoResume) {
      await this.connect(id, record.timeoutSeconds);
      record = this.get(id);
      if (!record) return undefined;
    }
    const live = this.live.get(id);
    if (this.restarting(record, live)) throw new SandboxUnavailableError(503, 'restarting', RESTARTING_MESSAGE);
    if (record.state !== 'running' || !live?.proc || live.frozen) return undefined;
    await live.proc.ready;
    return { socketPath: live.proc.socketPath, platformSecret: live.proc.platformSecret };
  }

  /** envd is being restarted, or died and is about to be. */
  private restarting(record: SandboxRecord, live: Live | undefined): boolean {
    if (record.state === 'restarting') return true;
    return record.state === 'running' && (!live?.proc || this.exits.has(live.proc));
  }

  /**
   * Whether a request that failed on envd's socket met an envd restart. `died`: nothing accepts
   * on the socket any more (only envd holds it), so envd of a running sandbox is dead even if
   * the daemon has not heard yet; otherwise only a death the daemon knows of counts.
   */
  envdLost(id: string, died: boolean): boolean {
    const record = this.get(id);
    if (!record) return false;
    if (died) return record.state === 'running' || record.state === 'restarting';
    return this.restarting(record, this.live.get(id));
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
        await this.metrics.sampleOne(id, target);
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
      ...(this.opts.disks ? { disk: () => this.opts.disks!.stats(dir) } : {}),
    };
  }

  private sample(): void {
    // a listing through `ps` takes a while: a sample still running is not started again
    if (this.sampling) return;
    const targets = new Map<string, MetricsTarget>();
    for (const record of this.records.values()) {
      const target = this.metricsTarget(record);
      if (target) targets.set(record.sandboxID, target);
    }
    this.sampling = this.metrics
      .sampleAll(targets)
      .catch((error: unknown) => this.opts.log('warn', `metrics sample failed: ${messageOf(error)}`))
      .finally(() => {
        this.sampling = undefined;
      });
  }

  /**
   * Stops every process (for daemon shutdown). Running sandboxes are saved as paused with the
   * reason "daemon-stopped": their lifetime counts on while the daemon is down (see load).
   */
  async shutdown(): Promise<void> {
    this.closing = true;
    if (this.sampler) clearInterval(this.sampler);
    await this.spare?.close();
    await this.templateSpare?.close();
    await Promise.all(
      [...this.records.values()].map((record) => {
        const id = record.sandboxID;
        return this.serialize(id, async () => {
          if (!this.records.has(id)) return;
          const live = this.live.get(id);
          if (live?.timer) this.clock.clearTimeout(live.timer);
          await this.stopProcesses(id);
          if (record.state === 'running' || record.state === 'restarting') {
            await this.lifecycle.apply(record, 'daemonStopped', { pausedAt: this.iso(), pauseReason: 'daemon-stopped', process: undefined });
            this.log(id).add('info', 'the local daemon stopped; the sandbox was paused (files kept)');
          } else if (record.state === 'paused' && record.process) {
            await this.lifecycle.apply(record, 'daemonStopped', { process: undefined });
            this.log(id).add('info', 'the local daemon stopped; the frozen processes were stopped (files kept)');
          }
          await this.logs.get(id)?.flush();
        }).catch((error: unknown) => {
          this.opts.log('error', `could not stop sandbox ${id}: ${messageOf(error)}`);
        });
      }),
    );
    this.sockets?.close();
  }
}

/**
 * The egress rules a sandbox's record asks for (runtime/network.ts): IPs and CIDRs become
 * address rules, domain names in allowOut are matched by name on TCP 80/443
 * (runtime/egress-proxy.ts).
 */
export function egressOf(record: Pick<SandboxRecord, 'allowInternetAccess' | 'network'>): EgressPolicy {
  const cidrs = (list: string[] | undefined) => (list ?? []).filter((entry) => parseCidr(entry) !== undefined);
  const names = (record.network?.allowOut ?? []).filter((entry) => parseCidr(entry) === undefined).flatMap((entry) => domainEntry(entry) ?? []);
  return {
    internet: record.allowInternetAccess,
    allowOut: cidrs(record.network?.allowOut),
    denyOut: cidrs(record.network?.denyOut),
    ...(names.length ? { allowNames: names } : {}),
  };
}

function isDefaultEgress(policy: EgressPolicy): boolean {
  return policy.internet && policy.allowOut.length === 0 && policy.denyOut.length === 0 && !policy.allowNames?.length;
}
