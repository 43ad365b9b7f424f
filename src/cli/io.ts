/**
 * IOStreams: the one owner of stdin/stdout/stderr, terminal detection and color. Commands
 * write through it and never touch `process.stdout` directly, so tests can hand them buffers.
 */
import type { Readable, Writable } from 'node:stream';
import { isatty } from 'node:tty';
import { createColors, type Colors } from './render/colors.js';

export interface IOStreams {
  stdin: Readable & { isTTY?: boolean };
  stdout: Writable & { isTTY?: boolean; columns?: number };
  stderr: Writable & { isTTY?: boolean; columns?: number };
  isStdinTTY: boolean;
  isStdoutTTY: boolean;
  isStderrTTY: boolean;
  /** Colors on stdout/stderr (a terminal, and neither NO_COLOR, TERM=dumb nor --no-color). */
  colorEnabled: boolean;
  /** ANSI styles that apply only when colorEnabled. */
  color: Colors;
  /** Whether prompting is possible: stdin and stderr are terminals and --no-input is unset. */
  canPrompt(): boolean;
  /** Width of the terminal on stdout, if it is one. */
  terminalWidth(): number | undefined;
}

export interface IOOptions {
  noColor?: boolean;
  noInput?: boolean;
  /** Whether stdin is a terminal, when known without touching the stream. */
  stdinIsTTY?: boolean;
}

type Env = Record<string, string | undefined>;

/** Color decision per NO_COLOR / FORCE_COLOR / TERM=dumb conventions. */
export function colorLevel(isTTY: boolean, env: Env, noColor: boolean): 0 | 1 | 2 | 3 {
  if (noColor || env.NO_COLOR !== undefined) return 0;
  if (env.FORCE_COLOR !== undefined) {
    const n = Number(env.FORCE_COLOR);
    if (env.FORCE_COLOR === '' || env.FORCE_COLOR === 'true') return 1;
    if (env.FORCE_COLOR === 'false' || n === 0) return 0;
    return (Number.isInteger(n) && n >= 1 && n <= 3 ? n : 1) as 1 | 2 | 3;
  }
  if (!isTTY || env.TERM === 'dumb') return 0;
  if (env.COLORTERM === 'truecolor' || env.COLORTERM === '24bit') return 3;
  if ((env.TERM ?? '').includes('256')) return 2;
  return 1;
}

export function createIO(
  streams: { stdin: IOStreams['stdin']; stdout: IOStreams['stdout']; stderr: IOStreams['stderr'] },
  env: Env,
  opts: IOOptions = {},
): IOStreams {
  const isStdinTTY = opts.stdinIsTTY ?? streams.stdin.isTTY === true;
  const isStdoutTTY = streams.stdout.isTTY === true;
  const isStderrTTY = streams.stderr.isTTY === true;
  const level = colorLevel(isStdoutTTY || isStderrTTY, env, opts.noColor === true);
  return {
    // stdin is only looked at when a command reads it: creating it costs start-up time.
    get stdin() {
      return streams.stdin;
    },
    stdout: streams.stdout,
    stderr: streams.stderr,
    isStdinTTY,
    isStdoutTTY,
    isStderrTTY,
    colorEnabled: level > 0,
    color: createColors(level > 0),
    canPrompt: () => isStdinTTY && isStderrTTY && !opts.noInput,
    terminalWidth: () => (isStdoutTTY ? streams.stdout.columns : undefined),
  };
}

/** IOStreams over the process's own streams. */
export function createSystemIO(opts: IOOptions = {}): IOStreams {
  const streams = {
    get stdin() {
      return process.stdin;
    },
    stdout: process.stdout,
    stderr: process.stderr,
  };
  return createIO(streams, process.env, { stdinIsTTY: isatty(0), ...opts });
}
