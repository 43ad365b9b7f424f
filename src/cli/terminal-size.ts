/**
 * Following the size of the local terminal (`pty attach`). On POSIX a resize is a signal
 * (SIGWINCH), which Node turns into a `resize` event on stdout. Windows has no SIGWINCH: Node
 * emits `resize` there only when the console is written to with the cursor moving or read in raw
 * mode, and refreshes `columns`/`rows` only then (Node's tty documentation), so a window dragged
 * wider while the remote program is quiet would go unnoticed. On Windows the size is therefore
 * also polled, from the console itself (`getWindowSize()`), every WINDOWS_POLL_MS.
 */

/** A terminal size in character cells. */
export interface TerminalSize {
  cols: number;
  rows: number;
}

/** How often the size is polled on Windows: a resize shows within a quarter second, at no cost worth measuring. */
export const WINDOWS_POLL_MS = 250;

/** The size a session gets when the stream is no terminal (`--force-tty`): the VT100's. */
const DEFAULT_SIZE: TerminalSize = { cols: 80, rows: 24 };

/** What is read of stdout: a tty.WriteStream, or a test's stand-in. */
export interface SizedStream {
  columns?: number;
  rows?: number;
  getWindowSize?: () => [number, number];
  on(event: 'resize', listener: () => void): unknown;
  off(event: 'resize', listener: () => void): unknown;
}

/** Timers to poll with: the global ones, or a test's clock. */
export interface PollTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(timer: never): void;
}

export interface WatchSizeOptions {
  /** Whose rules apply. @default process.platform (a test runs the Windows path on Linux) */
  platform?: NodeJS.Platform;
  /** @default the global setTimeout/clearTimeout */
  timers?: PollTimers;
}

/** The current size of the terminal on `stream`, asked of the terminal where that is possible. */
export function terminalSize(stream: SizedStream): TerminalSize {
  try {
    const [cols, rows] = stream.getWindowSize?.() ?? [stream.columns, stream.rows];
    return { cols: cols || DEFAULT_SIZE.cols, rows: rows || DEFAULT_SIZE.rows };
  } catch {
    // not a terminal after all (closed, or redirected under --force-tty)
    return { cols: stream.columns || DEFAULT_SIZE.cols, rows: stream.rows || DEFAULT_SIZE.rows };
  }
}

/**
 * Calls `onChange` with the new size whenever the terminal on `stream` changes size (never with
 * an unchanged one). Returns the function that stops watching.
 */
export function watchTerminalSize(stream: SizedStream, onChange: (size: TerminalSize) => void, opts: WatchSizeOptions = {}): () => void {
  let last = terminalSize(stream);
  const check = () => {
    const now = terminalSize(stream);
    if (now.cols === last.cols && now.rows === last.rows) return;
    last = now;
    onChange(now);
  };
  stream.on('resize', check);
  if ((opts.platform ?? process.platform) !== 'win32') return () => void stream.off('resize', check);

  const timers: PollTimers = opts.timers ?? { setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (t) => clearTimeout(t) };
  let timer: unknown;
  let stopped = false;
  const poll = () => {
    if (stopped) return;
    check();
    arm();
  };
  const arm = () => {
    timer = timers.setTimeout(poll, WINDOWS_POLL_MS);
    // the poll alone must not keep the CLI alive
    (timer as { unref?: () => void } | undefined)?.unref?.();
  };
  arm();
  return () => {
    stopped = true;
    timers.clearTimeout(timer as never);
    stream.off('resize', check);
  };
}
