/**
 * Answers `e2b-ts --version` and `e2b-ts --help` without loading the command tree. They are the
 * commands people and tools run most often just to see what is there, and commander plus the
 * tree cost more than node itself does to start. The texts are what the full CLI prints: the
 * build runs the bundled CLI once and puts its root help in here (see scripts/build.mjs), and a
 * test compares the two.
 *
 * This module is its own bundle entry and imports only reader-gone.ts (which imports nothing), so
 * loading it is nearly free.
 */
import { isReaderGone, READER_GONE_STATUS } from './reader-gone.js';

/** Set by the build (esbuild `define`); absent when running from source, which then takes the full path. */
declare const __E2B_TS_VERSION__: string | undefined;
declare const __E2B_TS_ROOT_HELP__: string | undefined;

/** The width the root help was rendered at; the full CLI wraps help at no more than this. */
export const HELP_WIDTH = 100;

interface Out {
  isTTY?: boolean;
  columns?: number;
}

/**
 * The text to print for `argv`, or undefined when the full CLI must run. Help is served only
 * where it would be wrapped at HELP_WIDTH: through a pipe, or on a terminal at least that wide.
 */
export function quickAnswer(argv: readonly string[], stdout: Out): string | undefined {
  if (argv.length !== 1) return undefined;
  const [arg] = argv;
  if ((arg === '--version' || arg === '-v') && typeof __E2B_TS_VERSION__ === 'string') return `${__E2B_TS_VERSION__}\n`;
  if ((arg === '--help' || arg === '-h') && typeof __E2B_TS_ROOT_HELP__ === 'string') {
    if (stdout.isTTY && (stdout.columns ?? 0) < HELP_WIDTH) return undefined;
    return __E2B_TS_ROOT_HELP__;
  }
  return undefined;
}

/**
 * Prints a quick answer and sets the exit code; false when there is none. A reader that went
 * away (`e2b-ts --help | head -0`) ends the run with 141, as in the full CLI.
 */
export function printQuickAnswer(argv: readonly string[]): boolean {
  const text = quickAnswer(argv, process.stdout);
  if (text === undefined) return false;
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (!isReaderGone(error) && !process.stdout.destroyed) throw error;
    process.exitCode = READER_GONE_STATUS;
  });
  process.exitCode = 0;
  process.stdout.write(text);
  return true;
}
