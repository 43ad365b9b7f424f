import type { CommandFinished } from '../client/commands.js';

/** Exit status of the CLI for a finished remote process: its code, 128+N for signal N, else 125. */
export function exitStatusOf(result: CommandFinished): number {
  if (result.signal !== undefined) return 128 + result.signal;
  if (result.exitCode >= 0 && result.exitCode <= 255) return result.exitCode;
  return 125;
}
