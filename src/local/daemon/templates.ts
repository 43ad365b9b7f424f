/**
 * Templates of the local backend: the built-in `base` and the snapshots taken from sandboxes
 * (a snapshot is a template whose files are a copy of a sandbox's). Names follow E2B's
 * `[namespace/]alias[:tag]` rules; lookups accept the ID or any spelling of a name.
 */
import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import { copyTree } from '../copy-tree.js';
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
  /** Whether the template has a files folder to copy into new sandboxes. */
  hasFiles: boolean;
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
          have.alias === wanted.alias &&
          have.tag === wanted.tag &&
          (wanted.namespace === undefined || wanted.namespace === (have.namespace ?? LOCAL_NAMESPACE))
        );
      }),
    );
  }

  /** Folder whose contents seed new sandboxes of this template. */
  filesDir(templateID: string): string {
    return join(this.dir, templateID, 'files');
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
   * Creates a snapshot template from a sandbox's files folder. Snapshotting again under a name
   * already in use gives that snapshot a new build (same ID, new files), as E2B does.
   */
  async createSnapshot(
    source: { sandboxID: string; filesDir: string; cpuCount: number; memoryMB: number; diskSizeMB: number },
    name?: string,
  ): Promise<TemplateRecord> {
    const canonical = name ? canonicalSnapshotName(name) : undefined;
    const existing = canonical ? this.all().find((t) => t.names.includes(canonical)) : undefined;
    const templateID = existing?.templateID ?? newTemplateId();
    const files = this.filesDir(templateID);
    const staging = `${files}.new-${process.pid}-${Date.now()}`;
    await mkdir(join(this.dir, templateID), { recursive: true });
    try {
      await copyTree(source.filesDir, staging);
      await rm(files, { recursive: true, force: true });
      await rename(staging, files);
    } catch (error) {
      await rm(staging, { recursive: true, force: true });
      throw error;
    }
    const now = new Date().toISOString();
    const record: TemplateRecord = {
      templateID,
      buildID: newBuildId(),
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
    };
    await this.save(record);
    return record;
  }

  /** Deletes a template; false when unknown. The built-in base cannot be deleted. */
  async delete(idOrName: string): Promise<boolean> {
    const record = this.find(idOrName);
    if (!record) return false;
    if (record.templateID === BASE_TEMPLATE_ID) throw new ApiError(400, 'the base template cannot be deleted');
    this.records.delete(record.templateID);
    await rm(join(this.dir, record.templateID), { recursive: true, force: true });
    return true;
  }

  /** The snapshot ID E2B reports: the canonical name when it has one, else the template ID. */
  static snapshotId(record: TemplateRecord): string {
    return record.names[0] ?? record.templateID;
  }
}
