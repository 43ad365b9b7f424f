/**
 * Answers `e2b-ts --version` and `--help` of every command (`e2b-ts sandbox ls --help`) without
 * loading the command tree. They are the commands people and tools run most often just to see
 * what is there, and loading the CLI's modules, commander and the tree costs half again what
 * node itself does to start (bench/, issue 17). The texts are what the full CLI prints: the build
 * runs the bundled CLI once and puts every command's help in here (see scripts/build.mjs and
 * help-texts.ts), and a test compares each with the full CLI's.
 *
 * This module is its own bundle entry and imports only reader-gone.ts (which imports nothing), so
 * loading it is nearly free.
 */
import { isReaderGone, READER_GONE_STATUS } from './reader-gone.js';

/** Set by the build (esbuild `define`); absent when running from source, which then takes the full path. */
declare const __E2B_TS_VERSION__: string | undefined;
/** The help tree as JSON text: parsed only for a help request, so `--version` does not build it. */
declare const __E2B_TS_HELP__: string | undefined;

/** One command's help text and its subcommands (the shape of help-texts.ts, which the build runs). */
interface HelpNode {
  h: string;
  c?: Record<string, HelpNode>;
  a?: Record<string, string>;
}

/** The width the root help was rendered at; the full CLI wraps help at no more than this. */
export const HELP_WIDTH = 100;

interface Out {
  isTTY?: boolean;
  columns?: number;
}

/**
 * The text to print for `argv`, or undefined when the full CLI must run: `--version`, and
 * `[command words...] --help` (or `-h`) where the words name a command or an alias. Help is served
 * only where it would be wrapped at HELP_WIDTH: through a pipe, or on a terminal at least that wide.
 */
export function quickAnswer(argv: readonly string[], stdout: Out): string | undefined {
  const last = argv[argv.length - 1];
  if (argv.length === 1 && (last === '--version' || last === '-v') && typeof __E2B_TS_VERSION__ === 'string') return `${__E2B_TS_VERSION__}\n`;
  if ((last !== '--help' && last !== '-h') || typeof __E2B_TS_HELP__ !== 'string') return undefined;
  let node: HelpNode | undefined = JSON.parse(__E2B_TS_HELP__) as HelpNode;
  for (const word of argv.slice(0, -1)) {
    // an option, or a word that is no command (a sandbox ID), needs the full parser
    if (word.startsWith('-')) return undefined;
    node = node.c?.[node.a?.[word] ?? word];
    if (!node) return undefined;
  }
  if (stdout.isTTY && (stdout.columns ?? 0) < HELP_WIDTH) return undefined;
  return node.h;
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
