/**
 * Per-file user metadata (`X-Metadata-*` on upload, `metadata` in EntryInfo).
 *
 * E2B keeps it in `user.e2b.*` extended attributes; Node has no xattr API, so envd keeps a small
 * table keyed by the file's identity (inode and birth time): it follows the file through
 * renames, as an xattr would, and a recycled inode never inherits a stranger's metadata. The
 * table lives next to envd's socket, outside the sandbox's files, and survives restarts. The
 * device is not part of the key: a sandbox's writable files live on one file system, whose
 * device number changes whenever it is mounted again (its disk image gets another loop device
 * after a restart). Keys of earlier versions (`device:inode:birth`) are still read.
 */
import type { Stats } from 'node:fs';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';

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

  get(st: Stats): Record<string, string> {
    return { ...(this.table[this.key(st)] ?? this.table[this.legacyKey(st)] ?? {}) };
  }

  /** Replaces a file's metadata (an empty record clears it). */
  set(st: Stats, metadata: Record<string, string>): void {
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
