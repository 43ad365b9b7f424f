/**
 * Answers `e2b-ts --version` and `--help` of every command (`e2b-ts sandbox ls --help`) without
 * loading the command tree. They are the commands people and tools run most often just to see
 * what is there, and loading the CLI's modules, commander and the tree costs half again what
 * node itself does to start (bench/, issue 17). The texts are what the full CLI prints: the build
 * runs the bundled CLI once and puts every command's help in here (see scripts/build.mjs and
 * help-texts.ts), and a test compares each with the full CLI's.
 *
 * This module is its own bundle entry and imports only reader-gone.ts (which imports nothing) and
 * node:fs, so loading it is nearly free.
 */
import { fstatSync, writeSync } from 'node:fs';
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

/** Whether fd 1 is a character device: a terminal (or /dev/null, NUL), not a pipe or a file. */
function stdoutIsCharacterDevice(): boolean {
  try {
    return fstatSync(1).isCharacterDevice();
  } catch {
    return true;
  }
}

/**
 * Writes `bytes` to fd 1 with write(2) and returns what is left: nothing, unless the fd is a
 * non-blocking pipe that is full (EAGAIN), whose rest the stream then writes.
 */
function writeDirect(bytes: Buffer): Buffer {
  let at = 0;
  try {
    while (at < bytes.length) at += writeSync(1, bytes, at);
  } catch (error) {
    if (isReaderGone(error)) {
      process.exitCode = READER_GONE_STATUS;
      return Buffer.alloc(0);
    }
    if ((error as { code?: unknown }).code !== 'EAGAIN') throw error;
  }
  return bytes.subarray(at);
}

/**
 * Prints a quick answer and sets the exit code; false when there is none. A reader that went
 * away (`e2b-ts --help | head -0`) ends the run with 141, as in the full CLI.
 */
export function printQuickAnswer(argv: readonly string[]): boolean {
  // Into a pipe or a file, the answer goes out with write(2) and process.stdout is never made:
  // creating it loads Node's stream and net modules, a tenth of node's own start-up (bench/,
  // issue 17). A terminal gets the stream, which writes to a Windows console as Unicode.
  const direct = !stdoutIsCharacterDevice();
  const text = quickAnswer(argv, direct ? { isTTY: false } : process.stdout);
  if (text === undefined) return false;
  process.exitCode = 0;
  const rest = direct ? writeDirect(Buffer.from(text)) : Buffer.from(text);
  if (rest.length === 0) return true;
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (!isReaderGone(error) && !process.stdout.destroyed) throw error;
    process.exitCode = READER_GONE_STATUS;
  });
  process.stdout.write(rest);
  return true;
}
