/**
 * How a process ended, in the words E2B's envd uses (Go's ProcessState.String()): the status
 * "exit status 3" or "signal: killed", exit code -1 for a signal.
 */
import { constants } from 'node:os';
import { GO_SIGNAL_NAMES, LINUX_SIGNAL_NUMBERS } from '../../../protocol/signals.js';

export interface EndInfo {
  exitCode: number;
  exited: boolean;
  status: string;
  error?: string;
}

/**
 * The end event for a child that exited with `code` or was killed by `signal`. The signal is
 * numbered by its name as the sandbox (Linux) numbers it, not as the host does: on macOS a
 * process ended by SIGUSR1 (30 there) still reads "user defined signal 1".
 */
export function endInfo(code: number | null, signal: NodeJS.Signals | null): EndInfo {
  if (signal) {
    // a signal Linux lacks (macOS's SIGINFO, SIGEMT) keeps the host's number
    const number = LINUX_SIGNAL_NUMBERS[signal] ?? constants.signals[signal];
    const name = GO_SIGNAL_NAMES[number] ?? `signal ${number}`;
    const status = `signal: ${name}`;
    return { exitCode: -1, exited: false, status, error: status };
  }
  const exitCode = code ?? 0;
  const status = `exit status ${exitCode}`;
  return exitCode === 0 ? { exitCode, exited: true, status } : { exitCode, exited: true, status, error: status };
}
