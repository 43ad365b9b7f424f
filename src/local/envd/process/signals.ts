/**
 * How a process ended, in the words E2B's envd uses (Go's ProcessState.String()): the status
 * "exit status 3" or "signal: killed", exit code -1 for a signal.
 */
import { constants } from 'node:os';

/** Go's names of signals (what strsignal prints), by number. */
const GO_SIGNAL_NAMES: Record<number, string> = {
  1: 'hangup',
  2: 'interrupt',
  3: 'quit',
  4: 'illegal instruction',
  5: 'trace/breakpoint trap',
  6: 'aborted',
  7: 'bus error',
  8: 'floating point exception',
  9: 'killed',
  10: 'user defined signal 1',
  11: 'segmentation fault',
  12: 'user defined signal 2',
  13: 'broken pipe',
  14: 'alarm clock',
  15: 'terminated',
};

export interface EndInfo {
  exitCode: number;
  exited: boolean;
  status: string;
  error?: string;
}

/** The end event for a child that exited with `code` or was killed by `signal`. */
export function endInfo(code: number | null, signal: NodeJS.Signals | null): EndInfo {
  if (signal) {
    const number = constants.signals[signal];
    const name = GO_SIGNAL_NAMES[number] ?? `signal ${number}`;
    const status = `signal: ${name}`;
    return { exitCode: -1, exited: false, status, error: status };
  }
  const exitCode = code ?? 0;
  const status = `exit status ${exitCode}`;
  return exitCode === 0 ? { exitCode, exited: true, status } : { exitCode, exited: true, status, error: status };
}
