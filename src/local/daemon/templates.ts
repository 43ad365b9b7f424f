/**
 * Templates of the local backend: the built-in `base` and the snapshots taken from sandboxes.
 * Names follow E2B's `[namespace/]alias[:tag]` rules; lookups accept the ID or any spelling of a
 * name.
 *
 * A template is a stack of layers: its own files (a snapshot's: what the sandbox wrote) on top
 * of its parent's stack (the template the sandbox came from), down to `base`, the host's
 * programs (see runtime/layers.ts). Where the runtime mounts layers, a new sandbox uses them as
 * read-only lower layers and copies nothing; elsewhere they are copied into its files, lowest
 * first. A layer never changes once written: a new build of a name gets a folder of its own, and
 * a deleted template's folders stay while a sandbox still stands on them (collect()).
 */
import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { readJson, writeJsonAtomic } from '../store.js';
import { ENVD_VERSION } from '../envd/config.js';
import { ApiError } from './http.js';
import { newBuildId, newTemplateId } from './ids.js';

/** Namespace of names of the local backend's own snapshots. */
export const LOCAL_NAMESPACE = 'local';
/** Stable ID of the built-in base template. */
export const BASE_TEMPLATE_ID = 'localbasetemplate000';

export interface TemplateRecord {
  templateID: string;
  buildID: string;
  /** Full names: `namespace/alias:tag` for snapshots, plain aliases for built-ins. */
  names: string[];
  aliases: string[];
  cpuCount: number;
  memoryMB: number;
  diskSizeMB: number;
  envdVersion: string;
  createdAt: string;
  updatedAt: string;
  lastSpawnedAt: string | null;
  spawnCount: number;
  /** Set for snapshots: the sandbox it was taken from. */
  sourceSandboxID?: string;
  /** Whether the template has a layer of files of its own. */
  hasFiles: boolean;
  /** Name of that layer's folder in the template's folder (`files` for older builds). */
  filesName?: string;
  /** The template its layer lies on (a snapshot's source sandbox's template). */
  parentTemplateID?: string;
}

/** Splits `ns/alias:tag` into its parts, lower-cased, with the implicit tag `default`. */
export function parseName(name: string): { namespace?: string; alias: string; tag: string } {
  const lower = name.trim().toLowerCase();
  const slash = lower.indexOf('/');
  const namespace = slash >= 0 ? lower.slice(0, slash) : undefined;
  const rest = slash >= 0 ? lower.slice(slash + 1) : lower;
  const colon = rest.indexOf(':');
  const alias = colon >= 0 ? rest.slice(0, colon) : rest;
  const tag = colon >= 0 ? rest.slice(colon + 1) : 'default';
  return namespace === undefined ? { alias, tag } : { namespace, alias, tag };
}

const IDENTIFIER = /^[a-z0-9-_]+$/;
const TAG = /^[a-z0-9-_.]+$/;

/** Validates a snapshot name and returns its canonical `local/alias:tag` form. */
export function canonicalSnapshotName(name: string): string {
  const parsed = parseName(name);
  if (parsed.namespace !== undefined && parsed.namespace !== LOCAL_NAMESPACE) {
    throw new ApiError(400, `namespace "${parsed.namespace}" is not yours; the local backend's namespace is "${LOCAL_NAMESPACE}"`);
  }
  if (!IDENTIFIER.test(parsed.alias)) throw new ApiError(400, `invalid name "${name}": use lower-case letters, digits, - and _`);
  if (!TAG.test(parsed.tag)) throw new ApiError(400, `invalid tag in "${name}"`);
  return `${LOCAL_NAMESPACE}/${parsed.alias}:${parsed.tag}`;
}

/** Whether `layer` is the folder `dir` or lies inside it. */
export function layerIn(layer: string, dir: string): boolean {
  return layer === dir || layer.startsWith(`${dir}/`);
}

export class TemplateStore {
  private readonly records = new Map<string, TemplateRecord>();

  constructor(private readonly dir: string) {}

  /** Loads saved templates and makes sure `base` exists. */
  async load(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    for (const entry of await readdir(this.dir)) {
      const record = await readJson<TemplateRecord>(join(this.dir, entry, 'template.json'));
      if (record) this.records.set(record.templateID, record);
    }
    if (!this.records.has(BASE_TEMPLATE_ID)) {
      const now = new Date().toISOString();
      await this.save({
        templateID: BASE_TEMPLATE_ID,
        buildID: newBuildId(),
        names: ['base'],
        aliases: ['base'],
        cpuCount: 2,
        memoryMB: 512,
        diskSizeMB: 10_240,
        envdVersion: ENVD_VERSION,
        createdAt: now,
        updatedAt: now,
        lastSpawnedAt: null,
        spawnCount: 0,
        hasFiles: false,
      });
    }
  }

  all(): TemplateRecord[] {
    return [...this.records.values()];
  }

  /** Finds a template by ID, full name, `alias:tag`, or bare alias. */
  find(idOrName: string): TemplateRecord | undefined {
    const direct = this.records.get(idOrName);
    if (direct) return direct;
    const wanted = parseName(idOrName);
    return this.all().find((t) =>
      t.names.some((n) => {
        const have = parseName(n);
        return (
          have.alias === wanted.alias && have.tag === wanted.tag && (wanted.namespace === undefined || wanted.namespace === (have.namespace ?? LOCAL_NAMESPACE))
        );
      }),
    );
  }

  /** The template's folder (its record and its layers). */
  folderOf(templateID: string): string {
    return join(this.dir, templateID);
  }

  /** The folder of the template's own layer (undefined for one without files). */
  filesDir(templateID: string): string | undefined {
    const record = this.records.get(templateID);
    if (!record?.hasFiles) return undefined;
    return join(this.dir, templateID, record.filesName ?? 'files');
  }

  /**
   * The template's layers, highest first: its own files, then its parent's stack. A parent that
   * is gone (deleted) ends the stack there; its folders stay while anything stands on them.
   */
  layersOf(templateID: string): string[] {
    const out: string[] = [];
    const seen = new Set<string>();
    for (let id: string | undefined = templateID; id && !seen.has(id); id = this.records.get(id)?.parentTemplateID) {
      seen.add(id);
      const files = this.filesDir(id);
      if (files) out.push(files);
      if (!this.records.has(id)) break;
    }
    return out;
  }

  async save(record: TemplateRecord): Promise<void> {
    this.records.set(record.templateID, record);
    await writeJsonAtomic(join(this.dir, record.templateID, 'template.json'), record);
  }

  async recordSpawn(templateID: string): Promise<void> {
    const record = this.records.get(templateID);
    if (!record) return;
    record.spawnCount += 1;
    record.lastSpawnedAt = new Date().toISOString();
    await this.save(record);
  }

  /**
   * Creates a snapshot template: `writeFiles` writes the sandbox's own files (its upper layers)
   * into a new folder, which becomes the template's layer on top of `parentTemplateID`'s stack.
   * Snapshotting again under a name already in use gives that snapshot a new build (same ID, a
   * new layer folder), as E2B does; the old folder stays for the sandboxes standing on it.
   */
  async createSnapshot(
    source: { sandboxID: string; writeFiles: (dst: string) => Promise<void>; parentTemplateID: string; cpuCount: number; memoryMB: number; diskSizeMB: number },
    name?: string,
  ): Promise<TemplateRecord> {
    const canonical = name ? canonicalSnapshotName(name) : undefined;
    const existing = canonical ? this.all().find((t) => t.names.includes(canonical)) : undefined;
    const templateID = existing?.templateID ?? newTemplateId();
    const buildID = newBuildId();
    const filesName = `files-${buildID}`;
    const files = join(this.dir, templateID, filesName);
    const staging = `${files}.new-${process.pid}-${Date.now()}`;
    await mkdir(join(this.dir, templateID), { recursive: true });
    try {
      await mkdir(staging, { recursive: true });
      await source.writeFiles(staging);
      await rename(staging, files);
    } catch (error) {
      await rm(staging, { recursive: true, force: true });
      throw error;
    }
    const now = new Date().toISOString();
    // a snapshot of a snapshot of itself (same name) keeps standing on what it stood on
    const parent = source.parentTemplateID === templateID ? existing?.parentTemplateID : source.parentTemplateID;
    const record: TemplateRecord = {
      templateID,
      buildID,
      names: canonical ? [canonical] : [],
      aliases: canonical ? [parseName(canonical).alias] : [],
      cpuCount: source.cpuCount,
      memoryMB: source.memoryMB,
      diskSizeMB: source.diskSizeMB,
      envdVersion: ENVD_VERSION,
      createdAt: existing?.createdAt ?? now,
      updatedAt: now,
      lastSpawnedAt: existing?.lastSpawnedAt ?? null,
      spawnCount: existing?.spawnCount ?? 0,
      sourceSandboxID: source.sandboxID,
      hasFiles: true,
      filesName,
      ...(parent ? { parentTemplateID: parent } : {}),
    };
    await this.save(record);
    return record;
  }

  /**
   * Deletes a template; false when unknown. The built-in base cannot be deleted. Its folder is
   * kept (without its record) when `inUse` says a sandbox stands on one of its layers (a lower
   * layer must not change while mounted); collect() removes it once none does.
   */
  async delete(idOrName: string, inUse: (dir: string) => boolean = () => false): Promise<boolean> {
    const record = this.find(idOrName);
    if (!record) return false;
    if (record.templateID === BASE_TEMPLATE_ID) throw new ApiError(400, 'the base template cannot be deleted');
    this.records.delete(record.templateID);
    const dir = this.folderOf(record.templateID);
    // Sandboxes name their layers by path: the folder stays where it is, without its record.
    if (inUse(dir)) await rm(join(dir, 'template.json'), { force: true });
    else await rm(dir, { recursive: true, force: true });
    return true;
  }

  /**
   * Removes what no template and no sandbox uses any more: deleted templates' folders and old
   * builds' layers. `used` holds the layer folders sandboxes stand on.
   */
  async collect(used: ReadonlySet<string>): Promise<void> {
    const standsOn = (dir: string) => [...used].some((layer) => layerIn(layer, dir));
    for (const entry of await readdir(this.dir)) {
      const dir = join(this.dir, entry);
      const record = this.records.get(entry);
      if (!record) {
        // a deleted template's folder, kept while sandboxes stood on it
        if (!standsOn(dir)) await rm(dir, { recursive: true, force: true });
        continue;
      }
      const current = this.filesDir(entry);
      for (const name of await readdir(dir).catch(() => [] as string[])) {
        if (!/^files(-|$)/.test(name) || name.includes('.new-')) continue;
        const layer = join(dir, name);
        if (layer !== current && !standsOn(layer) && !this.all().some((t) => this.layersOf(t.templateID).includes(layer))) {
          await rm(layer, { recursive: true, force: true });
        }
      }
    }
  }

  /** The snapshot ID E2B reports: the canonical name when it has one, else the template ID. */
  static snapshotId(record: TemplateRecord): string {
    return record.names[0] ?? record.templateID;
  }
}
