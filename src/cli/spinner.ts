/**
 * Spinners on stderr, shown only on a terminal; elsewhere a spinner is silent and `succeed`
 * lines are skipped too (scripts get data on stdout and errors on stderr, nothing chatty).
 * ora is loaded only when a spinner is really shown.
 */
import type { IOStreams } from './io.js';

export interface Spinner {
  set text(value: string);
  succeed(text?: string): void;
  fail(text?: string): void;
  stop(): void;
}

const SILENT: Spinner = { set text(_: string) {}, succeed() {}, fail() {}, stop() {} };

export async function startSpinner(io: IOStreams, text: string): Promise<Spinner> {
  if (!io.isStderrTTY) return SILENT;
  const { default: ora } = await import('ora');
  const spinner = ora({ text, stream: io.stderr, isEnabled: true, color: io.colorEnabled ? 'cyan' : false }).start();
  return {
    set text(value: string) {
      spinner.text = value;
    },
    succeed: (t) => void spinner.succeed(t),
    fail: (t) => void spinner.fail(t),
    stop: () => void spinner.stop(),
  };
}
