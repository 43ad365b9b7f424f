/**
 * Resizing without SIGWINCH (issue 17): on Windows the terminal size is polled, on POSIX the
 * `resize` event is enough. Both paths run here on Linux, with a fake clock (no waiting on real
 * time) and a stand-in terminal whose size the test changes; then `pty attach`'s bridge, on the
 * Windows path, sends the new size to the sandbox.
 */
import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/client/sandbox.js';
import { createContext } from '../../src/cli/context.js';
import { SilentError } from '../../src/cli/errors.js';
import { createIO } from '../../src/cli/io.js';
import { bridgeTerminal } from '../../src/cli/terminal-bridge.js';
import { terminalSize, watchTerminalSize, WINDOWS_POLL_MS, type TerminalSize } from '../../src/cli/terminal-size.js';
import { FakeClock } from '../helpers/fake-clock.js';

/** A terminal whose size the test sets; like Windows, `columns`/`rows` go stale, the console does not. */
class FakeTerminal extends EventEmitter {
  columns = 80;
  rows = 24;
  console: [number, number] = [80, 24];
  getWindowSize(): [number, number] {
    return this.console;
  }
}

describe('terminalSize', () => {
  it('asks the console, else columns/rows, else 80x24', () => {
    const t = new FakeTerminal();
    t.console = [132, 43];
    expect(terminalSize(t)).toEqual({ cols: 132, rows: 43 });
    const plain = Object.assign(new EventEmitter(), { columns: 100, rows: 30 });
    expect(terminalSize(plain)).toEqual({ cols: 100, rows: 30 });
    expect(terminalSize(new EventEmitter())).toEqual({ cols: 80, rows: 24 });
    const closed = Object.assign(new EventEmitter(), {
      columns: 90,
      getWindowSize: (): [number, number] => {
        throw new Error('EBADF');
      },
    });
    expect(terminalSize(closed)).toEqual({ cols: 90, rows: 24 });
  });
});

describe('watchTerminalSize', () => {
  it('win32: polls every 250 ms and reports each new size once, without any resize event', () => {
    const clock = new FakeClock();
    const t = new FakeTerminal();
    const seen: TerminalSize[] = [];
    const stop = watchTerminalSize(t, (s) => seen.push(s), { platform: 'win32', timers: clock });
    clock.advance(WINDOWS_POLL_MS * 4);
    expect(seen).toEqual([]);
    t.console = [120, 40];
    clock.advance(WINDOWS_POLL_MS - 1);
    expect(seen).toEqual([]);
    clock.advance(1);
    expect(seen).toEqual([{ cols: 120, rows: 40 }]);
    clock.advance(WINDOWS_POLL_MS * 3);
    t.console = [60, 20];
    clock.advance(WINDOWS_POLL_MS);
    expect(seen).toEqual([
      { cols: 120, rows: 40 },
      { cols: 60, rows: 20 },
    ]);
    expect(clock.pending).toBe(1);
    stop();
    expect(clock.pending).toBe(0);
    t.console = [10, 10];
    clock.advance(WINDOWS_POLL_MS * 2);
    expect(seen).toHaveLength(2);
    expect(t.listenerCount('resize')).toBe(0);
  });

  it('win32: a resize event that does come is taken too, and the poll does not repeat it', () => {
    const clock = new FakeClock();
    const t = new FakeTerminal();
    const seen: TerminalSize[] = [];
    watchTerminalSize(t, (s) => seen.push(s), { platform: 'win32', timers: clock });
    t.console = [100, 30];
    t.emit('resize');
    clock.advance(WINDOWS_POLL_MS * 2);
    expect(seen).toEqual([{ cols: 100, rows: 30 }]);
  });

  it.each(['linux', 'darwin'] as const)('%s: the resize event (SIGWINCH) only; no timer at all', (platform) => {
    const clock = new FakeClock();
    const t = new FakeTerminal();
    const seen: TerminalSize[] = [];
    const stop = watchTerminalSize(t, (s) => seen.push(s), { platform, timers: clock });
    expect(clock.pending).toBe(0);
    t.console = [100, 30];
    clock.advance(WINDOWS_POLL_MS * 10);
    expect(seen).toEqual([]);
    t.emit('resize');
    t.emit('resize');
    expect(seen).toEqual([{ cols: 100, rows: 30 }]);
    stop();
    expect(t.listenerCount('resize')).toBe(0);
  });
});

describe('pty attach bridge on the Windows path', () => {
  it('sends the polled size to the sandbox, and stops polling when the session ends', async () => {
    const clock = new FakeClock();
    const stdout = Object.assign(new PassThrough(), { isTTY: true, columns: 80, rows: 24, console: [80, 24] as [number, number] });
    Object.assign(stdout, { getWindowSize: () => stdout.console });
    const stdin = Object.assign(new PassThrough(), { isTTY: true, setRawMode: () => stdin });
    const stderr = Object.assign(new PassThrough(), { isTTY: true });
    const ctx = createContext({ io: createIO({ stdin, stdout, stderr }, { NO_COLOR: '1' }), env: {} });

    const created: TerminalSize[] = [];
    const resizes: TerminalSize[] = [];
    let finish!: (result: { exitCode: number }) => void;
    const finished = new Promise<{ exitCode: number }>((resolve) => (finish = resolve));
    const sandbox = {
      sandboxId: 'isbx0000000000000001',
      connect: async () => undefined,
      pty: {
        create: async (o: TerminalSize) => {
          created.push({ cols: o.cols, rows: o.rows });
          return { pid: 7, finished: () => finished, disconnect: async () => undefined };
        },
        resize: async (_pid: number, size: TerminalSize) => void resizes.push(size),
        openInput: () => ({ write: () => undefined, end: async () => undefined, done: new Promise(() => {}) }),
      },
    } as unknown as Sandbox;

    const bridged = bridgeTerminal(ctx, sandbox, {
      detachKeys: new Uint8Array([0x10, 0x11]),
      detachKeysLabel: 'ctrl-p,ctrl-q',
      platform: 'win32',
      timers: clock,
    }).catch((error: unknown) => error);
    await new Promise((resolve) => setImmediate(resolve));
    expect(created).toEqual([{ cols: 80, rows: 24 }]);
    stdout.console = [132, 43];
    clock.advance(WINDOWS_POLL_MS);
    expect(resizes).toEqual([{ cols: 132, rows: 43 }]);

    finish({ exitCode: 3 });
    const end = await bridged;
    expect(end).toBeInstanceOf(SilentError);
    expect((end as SilentError).exitCode).toBe(3);
    expect(clock.pending).toBe(0);
  });
});
