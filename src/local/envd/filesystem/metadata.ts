/**
 * Per-file user metadata (`X-Metadata-*` on upload, `metadata` in EntryInfo).
 *
 * As on E2B, it is kept in the file's `user.e2b.<key>` extended attributes (through
 * `@napi-rs/xattr`, prebuilt, mounted into the sandbox beside envd): metadata set inside the
 * sandbox (`setfattr -n user.e2b.author -v x f`) shows in `getInfo`, and metadata written
 * through the API is visible to `getfattr`.
 *
 * Where the file system takes no user xattrs (or the binding cannot load), envd keeps a small
 * table instead, keyed by the file's identity (inode and birth time): it follows the file
 * through renames, as an xattr would, and a recycled inode never inherits a stranger's metadata.
 * The table lives next to envd's socket, outside the sandbox's files, and survives restarts.
 * The device is not part of the key: a sandbox's writable files live on one file system, whose
 * device number changes whenever it is mounted again (its disk image gets another loop device
 * after a restart). Keys of earlier versions (`device:inode:birth`) are still read; entries of
 * the table are moved to xattrs when their file is written again.
 */
import type { Stats } from 'node:fs';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/** Prefix of E2B's metadata attributes. */
export const XATTR_PREFIX = 'user.e2b.';

type Xattr = typeof import('@napi-rs/xattr');
let binding: Xattr | null | undefined;

/** The xattr binding, loaded on first use; null where it cannot load (then the table is used). */
function xattr(): Xattr | null {
  if (binding === undefined) {
    try {
      binding = createRequire(import.meta.url)('@napi-rs/xattr') as Xattr;
    } catch {
      binding = null;
    }
  }
  return binding;
}

/** Errors that mean "this file system (or file) takes no user xattrs": use the table. */
function unsupported(error: unknown): boolean {
  const text = String((error as Error)?.message ?? error);
  return /not supported|ENOTSUP|EOPNOTSUPP|Operation not permitted|EPERM/i.test(text);
}

type Table = Record<string, Record<string, string>>;

/** Largest total size of one file's metadata (9 + key + value per entry), as envd. */
export const METADATA_LIMIT = 4096;

/** Checks keys and values; returns a message for a 400, or undefined when valid. */
export function metadataProblem(metadata: Record<string, string>): string | undefined {
  let total = 0;
  for (const [key, value] of Object.entries(metadata)) {
    if (!/^[\x20-\x7e]+$/.test(key) || key.length > 246) return `invalid metadata key "${key}"`;
    if (!/^[\x20-\x7e]*$/.test(value)) return `invalid metadata value for "${key}": printable ASCII only`;
    total += 9 + key.length + value.length;
  }
  return total > METADATA_LIMIT ? `invalid metadata: more than ${METADATA_LIMIT} bytes` : undefined;
}

export class MetadataStore {
  private table: Table = {};
  private dirty = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly file: string | undefined) {
    if (!file) return;
    try {
      this.table = JSON.parse(readFileSync(file, 'utf8')) as Table;
    } catch {
      this.table = {};
    }
  }

  private key(st: Stats): string {
    return `${st.ino}:${Math.floor(st.birthtimeMs)}`;
  }

  private legacyKey(st: Stats): string {
    return `${st.dev}:${this.key(st)}`;
  }

  /**
   * A file's metadata: its `user.e2b.*` xattrs, else what the table holds for it. `path` is the
   * file's host path, already followed through a final symlink by the caller (the binding uses
   * the l* calls, which would read the link's own attributes).
   */
  get(st: Stats, path?: string): Record<string, string> {
    const fromTable = { ...(this.table[this.key(st)] ?? this.table[this.legacyKey(st)] ?? {}) };
    const x = path ? xattr() : null;
    if (!x || !path) return fromTable;
    try {
      const out: Record<string, string> = {};
      for (const name of x.listAttributesSync(path)) {
        if (!name.startsWith(XATTR_PREFIX)) continue;
        const value = x.getAttributeSync(path, name);
        if (value) out[name.slice(XATTR_PREFIX.length)] = value.toString('latin1');
      }
      return Object.keys(out).length ? out : fromTable;
    } catch {
      return fromTable;
    }
  }

  /**
   * Replaces a file's metadata (an empty record clears it): as xattrs on `path` where the file
   * system takes them, else in the table. Without a path (a file already gone), only the table.
   * `path` names the file itself, never a symlink to it (uploads land on resolved targets).
   */
  set(st: Stats, metadata: Record<string, string>, path?: string): void {
    const x = path ? xattr() : null;
    if (x && path) {
      try {
        for (const name of x.listAttributesSync(path)) {
          if (name.startsWith(XATTR_PREFIX) && !Object.hasOwn(metadata, name.slice(XATTR_PREFIX.length))) x.removeAttributeSync(path, name);
        }
        for (const [key, value] of Object.entries(metadata)) x.setAttributeSync(path, XATTR_PREFIX + key, value);
        this.forget(st);
        return;
      } catch (error) {
        if (!unsupported(error)) throw error;
      }
    }
    this.setInTable(st, metadata);
  }

  private forget(st: Stats): void {
    if (this.table[this.key(st)] === undefined && this.table[this.legacyKey(st)] === undefined) return;
    delete this.table[this.key(st)];
    delete this.table[this.legacyKey(st)];
    this.scheduleSave();
  }

  private setInTable(st: Stats, metadata: Record<string, string>): void {
    const key = this.key(st);
    delete this.table[this.legacyKey(st)];
    if (Object.keys(metadata).length === 0) delete this.table[key];
    else this.table[key] = { ...metadata };
    this.scheduleSave();
  }

  private scheduleSave(): void {
    if (!this.file) return;
    this.dirty = true;
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, 100);
    this.timer.unref();
  }

  /** Writes the table now (atomically). */
  flush(): void {
    if (!this.file || !this.dirty) return;
    this.dirty = false;
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.table));
    renameSync(tmp, this.file);
  }
}
