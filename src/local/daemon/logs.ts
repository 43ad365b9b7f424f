/**
 * Per-sandbox logs: lifecycle events from the daemon and envd's own log lines, kept as NDJSON
 * in the sandbox's folder (so they survive a daemon restart) and in memory for queries.
 */
import { appendFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface LogEntry {
  timestamp: string;
  level: LogLevel;
  message: string;
  fields: Record<string, string>;
}

/** Entries kept in memory per sandbox; older ones stay only in the file. */
const MEMORY_LIMIT = 5_000;

export class SandboxLog {
  private readonly entries: LogEntry[] = [];
  private writing: Promise<void> = Promise.resolve();
  private readonly listeners = new Set<(entry: LogEntry) => void>();

  constructor(private readonly file: string) {
    try {
      for (const line of readFileSync(file, 'utf8').split('\n')) {
        if (!line) continue;
        try {
          this.entries.push(JSON.parse(line) as LogEntry);
        } catch {
          // a torn last line after a crash
        }
      }
      this.entries.splice(0, Math.max(0, this.entries.length - MEMORY_LIMIT));
    } catch {
      // no log yet
    }
  }

  add(level: LogLevel, message: string, fields: Record<string, string> = {}): void {
    const entry: LogEntry = { timestamp: new Date().toISOString(), level, message, fields };
    this.entries.push(entry);
    if (this.entries.length > MEMORY_LIMIT) this.entries.shift();
    const line = `${JSON.stringify(entry)}\n`;
    this.writing = this.writing.then(() => appendFile(this.file, line).catch(() => {}));
    for (const listener of this.listeners) listener(entry);
  }

  /** Waits until every entry added so far is on disk. */
  flush(): Promise<void> {
    return this.writing;
  }

  /**
   * Entries after (forward) or before (backward) `cursorMs`, at most `limit`, optionally at one
   * level and containing `search`.
   */
  query(opts: { cursorMs?: number; limit?: number; direction?: 'forward' | 'backward'; level?: LogLevel; search?: string }): LogEntry[] {
    const limit = Math.min(Math.max(opts.limit ?? 1000, 1), 1000);
    const backward = opts.direction === 'backward';
    let list = this.entries.filter((e) => {
      const t = Date.parse(e.timestamp);
      if (opts.cursorMs !== undefined && (backward ? t > opts.cursorMs : t < opts.cursorMs)) return false;
      if (opts.level && e.level !== opts.level) return false;
      if (opts.search && !e.message.includes(opts.search)) return false;
      return true;
    });
    if (backward) list = list.reverse();
    return list.slice(0, limit);
  }

  subscribe(listener: (entry: LogEntry) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
