/**
 * IOStreams: the one owner of stdin/stdout/stderr, terminal detection and color. Commands
 * write through it and never touch `process.stdout` directly, so tests can hand them buffers.
 */
import type { Readable, Writable } from 'node:stream';
import { isatty } from 'node:tty';
import { PLAIN_COLORS, type Colors } from './render/colors.js';

export interface IOStreams {
  stdin: Readable & { isTTY?: boolean };
  stdout: Writable & { isTTY?: boolean; columns?: number };
  stderr: Writable & { isTTY?: boolean; columns?: number };
  isStdinTTY: boolean;
  isStdoutTTY: boolean;
  isStderrTTY: boolean;
  /**
   * Colors on stdout/stderr, as decided by prepareColor(): a terminal (or FORCE_COLOR) that
   * supports them, and neither NO_COLOR, TERM=dumb nor --no-color. False until then.
   */
  readonly colorEnabled: boolean;
  /** ANSI styles that apply only when colorEnabled (plain text until prepareColor()). */
  readonly color: Colors;
  /**
   * Decides the colors and, when they can be on, loads chalk to write them (once; later calls
   * wait for the first). The command tree calls it before a command runs (root.ts), so commands
   * that print nothing colored on a pipe never load chalk, and `--help` never does.
   */
  prepareColor(): Promise<void>;
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

/**
 * Whether colors can be on at all, decided without loading anything: never with --no-color or
 * NO_COLOR (set and not empty, no-color.org), nor with FORCE_COLOR=0/false; otherwise only on a
 * terminal, or when FORCE_COLOR asks for color, or on Azure Pipelines (whose log colors without
 * a terminal, as supports-color knows). Where this is false, supports-color's level is 0 too.
 */
export function mayColor(isTTY: boolean, env: Env, noColor: boolean): boolean {
  if (noColor || (env.NO_COLOR ?? '') !== '') return false;
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force !== 'false' && force !== '0';
  if (env.TF_BUILD !== undefined && env.AGENT_NAME !== undefined) return true;
  return isTTY;
}

export function createIO(
  streams: { stdin: IOStreams['stdin']; stdout: IOStreams['stdout']; stderr: IOStreams['stderr'] },
  env: Env,
  opts: IOOptions = {},
): IOStreams {
  const isStdinTTY = opts.stdinIsTTY ?? streams.stdin.isTTY === true;
  const isStdoutTTY = streams.stdout.isTTY === true;
  const isStderrTTY = streams.stderr.isTTY === true;
  const noColor = opts.noColor === true;
  const isTTY = isStdoutTTY || isStderrTTY;
  let color = PLAIN_COLORS;
  let prepared: Promise<void> | undefined;
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
    get colorEnabled() {
      return color.enabled;
    },
    get color() {
      return color;
    },
    prepareColor() {
      prepared ??= (async () => {
        if (!mayColor(isTTY, env, noColor)) return;
        const { chalkColors, colorLevel } = await import('./render/chalk-colors.js');
        color = chalkColors(colorLevel({ isTTY, noColor, env }));
      })();
      return prepared;
    },
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
