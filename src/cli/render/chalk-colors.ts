/**
 * Colors as the Node ecosystem detects and writes them: supports-color decides the level (the
 * detection chalk itself uses: FORCE_COLOR, TERM and TERM=dumb, COLORTERM, TERM_PROGRAM, the CI
 * providers, Windows 10 builds for the console and Windows Terminal) and chalk writes the
 * styles. This module is loaded only when colors can be on (io.ts, prepareColor), so a piped or
 * scripted run never pays for it.
 */
import { Chalk } from 'chalk';
import { createSupportsColor } from 'supports-color';
import type { WriteStream } from 'node:tty';
import type { Colors } from './colors.js';

/** 0: none, 1: 16 colors, 2: 256 colors, 3: truecolor (supports-color's levels). */
export type ColorLevel = 0 | 1 | 2 | 3;

export interface ColorInput {
  /** Whether stdout or stderr is a terminal. */
  isTTY: boolean;
  /** `--no-color`. */
  noColor: boolean;
  /** The environment (NO_COLOR). supports-color reads the process's own, as chalk does. */
  env: Record<string, string | undefined>;
}

/**
 * The color level of a run. Ours first: `--no-color`, and NO_COLOR when set and not empty
 * (no-color.org), which also beats FORCE_COLOR; supports-color leaves NO_COLOR to the program.
 * Then supports-color, without sniffing the command line (`sniffFlags: false`): our flags are
 * commander's, and the words of a remote command (`exec ID ls --color=always`) are not ours.
 */
export function colorLevel(input: ColorInput): ColorLevel {
  if (input.noColor || (input.env.NO_COLOR ?? '') !== '') return 0;
  const support = createSupportsColor({ isTTY: input.isTTY } as WriteStream, { sniffFlags: false });
  return support ? support.level : 0;
}

/** The styles at `level`, written by chalk (a level of 0 gives plain text). */
export function chalkColors(level: ColorLevel): Colors {
  const chalk = new Chalk({ level });
  return {
    enabled: level > 0,
    bold: (text) => chalk.bold(text),
    dim: (text) => chalk.dim(text),
    red: (text) => chalk.red(text),
    green: (text) => chalk.green(text),
    yellow: (text) => chalk.yellow(text),
    cyan: (text) => chalk.cyan(text),
  };
}
