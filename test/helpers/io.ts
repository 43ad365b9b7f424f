/** In-memory IOStreams for in-process command tests (no terminal, no process streams). */
import { PassThrough } from 'node:stream';
import { createIO, type IOStreams } from '../../src/cli/io.js';

export interface TestIO {
  io: IOStreams;
  stdout(): string;
  stderr(): string;
}

export function createTestIO(opts: { tty?: boolean; input?: string; env?: Record<string, string> } = {}): TestIO {
  const stdin = Object.assign(new PassThrough(), { isTTY: opts.tty ?? false });
  // On a pretend terminal, the cursor methods of tty.WriteStream exist (spinners use them).
  const ttyMethods = opts.tty
    ? { cursorTo: (..._a: unknown[]) => true, moveCursor: (..._a: unknown[]) => true, clearLine: (..._a: unknown[]) => true, rows: 40 }
    : {};
  const stdout = Object.assign(new PassThrough(), { isTTY: opts.tty ?? false, columns: 120 }, ttyMethods);
  const stderr = Object.assign(new PassThrough(), { isTTY: opts.tty ?? false, columns: 120 }, ttyMethods);
  stdin.end(opts.input ?? '');
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on('data', (d: Buffer) => out.push(d));
  stderr.on('data', (d: Buffer) => err.push(d));
  // Color off unless a test asks for it: assertions compare plain text.
  const io = createIO({ stdin, stdout, stderr }, { NO_COLOR: '1', ...(opts.env ?? {}) });
  return {
    io,
    stdout: () => Buffer.concat(out).toString('utf8'),
    stderr: () => Buffer.concat(err).toString('utf8'),
  };
}
