/**
 * Signal numbers as the sandbox (Linux) numbers them, and the words envd (Go's
 * `ProcessState.String()`) uses for them in a process's end status ("signal: killed"). The client
 * sends numbers and reads the words back; the local envd writes the words. Host numbering
 * (`os.constants.signals`) is not used for the wire: a client on macOS or Windows numbers some
 * signals differently from the sandbox.
 *
 * src/protocol/ holds pure wire-level code shared by the client and the local backend.
 */

/** Signals a client can send to a process in a sandbox. */
export type SignalName = 'SIGTERM' | 'SIGKILL' | 'SIGINT' | 'SIGHUP' | 'SIGQUIT' | 'SIGUSR1' | 'SIGUSR2' | 'SIGCONT' | 'SIGSTOP' | 'SIGTSTP';

/** Signal numbers by name (Linux numbering, as in the sandbox). */
export const SIGNAL_NUMBERS: Readonly<Record<SignalName, number>> = {
  SIGHUP: 1,
  SIGINT: 2,
  SIGQUIT: 3,
  SIGKILL: 9,
  SIGUSR1: 10,
  SIGUSR2: 12,
  SIGTERM: 15,
  SIGCONT: 18,
  SIGSTOP: 19,
  SIGTSTP: 20,
};

/**
 * Every standard signal by name, numbered as on Linux (x86-64 and arm64 agree), i.e. as in the
 * sandbox and on the wire. The host boundary maps through names: macOS numbers differently
 * (SIGUSR1 is 30 there, and 10 is SIGBUS), so a wire number given to `process.kill` as a number
 * would send the wrong signal.
 */
export const LINUX_SIGNAL_NUMBERS: Readonly<Record<string, number>> = {
  SIGHUP: 1,
  SIGINT: 2,
  SIGQUIT: 3,
  SIGILL: 4,
  SIGTRAP: 5,
  SIGABRT: 6,
  SIGBUS: 7,
  SIGFPE: 8,
  SIGKILL: 9,
  SIGUSR1: 10,
  SIGSEGV: 11,
  SIGUSR2: 12,
  SIGPIPE: 13,
  SIGALRM: 14,
  SIGTERM: 15,
  SIGSTKFLT: 16,
  SIGCHLD: 17,
  SIGCONT: 18,
  SIGSTOP: 19,
  SIGTSTP: 20,
  SIGTTIN: 21,
  SIGTTOU: 22,
  SIGURG: 23,
  SIGXCPU: 24,
  SIGXFSZ: 25,
  SIGVTALRM: 26,
  SIGPROF: 27,
  SIGWINCH: 28,
  SIGIO: 29,
  SIGPWR: 30,
  SIGSYS: 31,
};

const LINUX_SIGNAL_NAMES: Readonly<Record<number, string>> = Object.fromEntries(Object.entries(LINUX_SIGNAL_NUMBERS).map(([name, n]) => [n, name]));

/** The name of a Linux (wire) signal number, to hand to the host by name; undefined when it has none. */
export function linuxSignalName(number: number): string | undefined {
  return LINUX_SIGNAL_NAMES[number];
}

/** Go's names of signals (what strsignal prints), by number: the words of envd's end statuses. */
export const GO_SIGNAL_NAMES: Readonly<Record<number, string>> = {
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
