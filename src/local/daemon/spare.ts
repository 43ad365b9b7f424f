/**
 * Warm spares: sandbox processes started ahead of time, so creating a sandbox does not wait for
 * its envd to boot (most of a local create's time). On create, a spare's folder is renamed to the
 * new sandbox's, and envd learns its identity through `/init`. Only runtimes whose sandboxes
 * survive a rename of their host folder (bubblewrap: every path is a mount point) can use them.
 * The base template keeps two ready (`E2B_TS_WARM_SPARE=N` sets how many, 0 none): a sandbox
 * boots in about a quarter of a second here while a create from a ready spare takes tens of
 * milliseconds, so with one spare a script creating sandboxes back to back waited for each boot;
 * with two, one boots while the other is handed out. Each costs an idle envd (~50 MB). envd's socket lives in the daemon's own folder,
 * so it does not move with the rename. Where sandbox disks are enforced, the spare's disk is made
 * ahead too, at the base template's size (a sandbox of another size starts afresh), and its
 * cpu and memory limits are set when it is taken (they can change at any time).
 *
 * A spare stands on the template layers it was started with (none for `base`): it serves only a
 * sandbox of those layers. The daemon keeps spares for `base` and one for the template last
 * created from.
 */
import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { ENVD_VERSION, PLATFORM_HEADER } from '../envd/config.js';
import type { Disks } from '../runtime/disk.js';
import type { Runtime, SandboxProcess } from '../runtime/index.js';
import type { SocketDir } from '../runtime/socket.js';
import { layerIn } from './templates.js';

const PREFIX = '.spare-';

interface Spare {
  dir: string;
  proc: SandboxProcess;
  /** Where envd's log lines go; swapped when the spare becomes a sandbox. */
  sink: { log: (line: string) => void };
}

/** What a taken spare gives its new sandbox. */
export interface TakenSpare {
  proc: SandboxProcess;
  /** Sends envd's log lines to the sandbox's log from now on. */
  logTo(log: (line: string) => void): void;
}

/** POSTs a JSON body to envd's `/init` over its socket, with the secret of the platform. */
export function postInit(proc: SandboxProcess, body: Record<string, unknown>): Promise<void> {
  return new Promise((resolve, reject) => {
    const payload = JSON.stringify(body);
    const headers = { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)), [PLATFORM_HEADER]: proc.platformSecret };
    const req = request(
      // no keep-alive: this connection is used once, and must not linger in a shared pool
      { socketPath: proc.socketPath, path: '/init', method: 'POST', headers, agent: false },
      (res) => {
        res.resume();
        if (res.statusCode === 204) resolve();
        else reject(new Error(`envd /init answered ${res.statusCode}`));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** One spare on its way, and what it became once started (undefined: it failed). */
interface Pending {
  spare: Promise<Spare | undefined>;
  ready: boolean;
}

export class WarmSpare {
  /** Spares starting or ready, oldest first. */
  private pool: Pending[] = [];
  /** The folder of the next spare, its disk already made and mounted (made while a spare boots). */
  private nextFolder: Promise<string | undefined> | undefined;
  /** The layers the pool's spares stand on. */
  private layers: readonly string[] = [];
  private closed = false;

  constructor(
    private readonly opts: {
      runtime: Runtime;
      sandboxesDir: string;
      stateRoot: string;
      sockets: SocketDir;
      enabled: boolean;
      /** How many spares to keep. @default 1 */
      count?: number;
      log: (level: 'info' | 'warn' | 'error', message: string) => void;
      disks?: Disks | undefined;
      /** Size of the spare's disk. */
      diskSizeMB?: number | undefined;
    },
  ) {}

  private get count(): number {
    return this.opts.count ?? 1;
  }

  /** Unmounts a spare folder's disk and deletes the folder. */
  private async discard(dir: string): Promise<void> {
    await this.opts.disks?.unmount(dir).catch(() => {});
    await rm(dir, { recursive: true, force: true });
  }

  /** Deletes spares a previous daemon left behind (their processes died with it). */
  static async removeLeftovers(sandboxesDir: string): Promise<void> {
    for (const name of await readdir(sandboxesDir).catch(() => [] as string[])) {
      if (name.startsWith(PREFIX)) await rm(join(sandboxesDir, name), { recursive: true, force: true });
    }
  }

  /** Makes a spare's folder, with its disk where disks are enforced. */
  private async makeFolder(): Promise<string> {
    const dir = join(this.opts.sandboxesDir, `${PREFIX}${randomBytes(6).toString('hex')}`);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    try {
      if (this.opts.diskSizeMB !== undefined) await this.opts.disks?.create(dir, this.opts.diskSizeMB);
    } catch (error) {
      await this.discard(dir);
      throw error;
    }
    return dir;
  }

  /**
   * Starts making the next spare's folder now, so that its disk (mkfs and mounts, tens of
   * milliseconds) is made while this spare's envd boots rather than before the next one's.
   */
  private prepareNextFolder(): void {
    if (this.nextFolder || this.closed || !this.opts.disks?.enforced) return;
    this.nextFolder = this.makeFolder().catch((error: unknown) => {
      this.opts.log('warn', `could not prepare a disk for the warm spare: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    });
  }

  /**
   * Tops the pool up with spares standing on `layers`, started in the background (spares on
   * other layers are stopped first).
   */
  refill(layers: readonly string[] = []): void {
    if (!this.opts.enabled || this.closed || this.count < 1) return;
    if (this.pool.length > 0 && !sameLayers(this.layers, layers)) void this.drop();
    this.layers = [...layers];
    while (this.pool.length < this.count) this.startOne(this.layers);
  }

  private startOne(layers: readonly string[]): void {
    const sink = { log: (_line: string) => {} };
    let dir: string | undefined;
    const entry: Pending = { ready: false, spare: Promise.resolve(undefined) };
    entry.spare = (async () => {
      const prepared = this.nextFolder;
      this.nextFolder = undefined;
      dir = (await prepared) ?? (await this.makeFolder());
      this.prepareNextFolder();
      const name = basename(dir);
      const proc = await this.opts.runtime.start({
        sandboxId: name,
        dir,
        stateRoot: this.opts.stateRoot,
        sockets: this.opts.sockets,
        hostKey: randomBytes(10).toString('hex'),
        // the default rules; a sandbox that asks for others gets them when it takes the spare
        allowInternetAccess: true,
        layers: [...layers],
        envd: { sandboxId: name, templateId: '', envVars: {}, defaultUser: 'user', version: ENVD_VERSION },
        onLog: (line) => sink.log(line),
      });
      await proc.ready;
      return { dir, proc, sink };
    })()
      .catch(async (error: unknown) => {
        this.opts.log('warn', `warm spare failed to start: ${error instanceof Error ? error.message : String(error)}`);
        if (dir) await this.discard(dir);
        return undefined;
      })
      .then((spare) => {
        entry.ready = true;
        return spare;
      });
    this.pool.push(entry);
  }

  /**
   * Hands a spare (a ready one first, else the one that started first) to a new sandbox whose
   * folder will be `dir` (which must not exist yet). Undefined when there is no usable spare
   * (then the caller starts a sandbox the usual way); a spare whose disk has another size stays
   * for the next sandbox. `rulesFit`: the spare's default network rules are right for the
   * sandbox, or the runtime can change them once the sandbox has the spare.
   */
  async take(dir: string, rulesFit: boolean, diskSizeMB?: number, layers: readonly string[] = []): Promise<TakenSpare | undefined> {
    if (!rulesFit || this.pool.length === 0 || !sameLayers(this.layers, layers)) return undefined;
    if (this.opts.disks?.enforced && diskSizeMB !== this.opts.diskSizeMB) return undefined;
    const at = Math.max(
      0,
      this.pool.findIndex((p) => p.ready),
    );
    const [entry] = this.pool.splice(at, 1);
    const spare = await entry!.spare;
    if (!spare) return undefined;
    try {
      await rename(spare.dir, dir);
    } catch (error) {
      await spare.proc.kill();
      await this.discard(spare.dir);
      this.opts.log('warn', `could not use the warm spare: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    }
    return {
      proc: spare.proc,
      logTo: (log) => {
        spare.sink.log = log;
      },
    };
  }

  /** Whether a spare of the pool stands on a layer inside `dir`. */
  standsOn(dir: string): boolean {
    return this.pool.length > 0 && this.layers.some((layer) => layerIn(layer, dir));
  }

  /** Stops the pool's spares (a later refill starts others). */
  async drop(): Promise<void> {
    const pool = this.pool;
    this.pool = [];
    for (const entry of pool) {
      const spare = await entry.spare;
      if (spare) {
        await spare.proc.kill();
        await this.discard(spare.dir);
      }
    }
  }

  /** Stops the spares for good. */
  async close(): Promise<void> {
    this.closed = true;
    await this.drop();
    const next = await this.nextFolder;
    this.nextFolder = undefined;
    if (next) await this.discard(next);
  }
}

function sameLayers(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((layer, i) => layer === b[i]);
}
