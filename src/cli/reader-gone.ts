/**
 * The reader of our stdout went away (`e2b-ts ... | head -1`). Each platform says so in its own
 * words, and all of them mean the same: stop the work quietly, as a program killed by SIGPIPE.
 *
 * - `EPIPE`: POSIX pipes and sockets (and some Windows pipes, ERROR_BROKEN_PIPE);
 * - `EOF`: Windows, where libuv reports a write to a pipe whose reader closed (ERROR_NO_DATA) as
 *   end of file; before this was known, `| Select-Object -First 1` ended in a stack trace;
 * - `ERR_STREAM_DESTROYED`: any platform, a write after Node destroyed stdout for the first error.
 */

/** Error codes that mean "the reader of this stream is gone". */
export const READER_GONE_CODES: ReadonlySet<string> = new Set(['EPIPE', 'EOF', 'ERR_STREAM_DESTROYED']);

/**
 * The exit status of a run whose stdout reader went away: 128 + SIGPIPE (13), on every
 * platform. Windows has no SIGPIPE and no number of its own for this; its POSIX shells (Git Bash,
 * MSYS2) read 141 as they do on Linux, and PowerShell and cmd show whatever number comes back, so
 * one number keeps scripts portable.
 */
export const READER_GONE_STATUS = 141;

/** Whether `error` (or one of its causes) says the reader of a stream went away. */
export function isReaderGone(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && READER_GONE_CODES.has(code)) return true;
  }
  return false;
}

/** A stream that reports its errors as events (process.stdout, or a test's stand-in). */
interface ErrorEmitter {
  on(event: 'error', listener: (error: Error) => void): unknown;
  off(event: 'error', listener: (error: Error) => void): unknown;
}

/**
 * Calls `gone` once the reader of `stream` goes away; any other error of the stream goes to
 * `other` (by default it is thrown, as an unhandled stream error would be). Without a listener
 * a closed pipe on stdout crashes the process with a stack trace. Returns the unsubscribe.
 */
export function onReaderGone(
  stream: ErrorEmitter,
  gone: () => void,
  other: (error: Error) => void = (error) => {
    throw error;
  },
): () => void {
  let told = false;
  const listener = (error: Error) => {
    if (!isReaderGone(error)) return other(error);
    if (told) return;
    told = true;
    gone();
  };
  stream.on('error', listener);
  return () => void stream.off('error', listener);
}
