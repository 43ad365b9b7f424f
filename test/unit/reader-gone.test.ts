/**
 * Broken pipes on every platform (issue 17): `| head` ends in EPIPE on POSIX, in EOF on Windows,
 * and in ERR_STREAM_DESTROYED for a write after either. Each must end `exec` quietly with 141
 * and kill the remote process. The Windows code runs here through a stdout whose writes fail
 * with the code Windows gives.
 */
import { EventEmitter } from 'node:events';
import { PassThrough, Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createIO } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import { isReaderGone, onReaderGone, READER_GONE_CODES, READER_GONE_STATUS } from '../../src/cli/reader-gone.js';
import { fakeCli, type FakeCli } from '../helpers/fakes/cli.js';

const ID = 'isbx0000000000000001';
const codeError = (code: string) => Object.assign(new Error(`write ${code}`), { code });

describe('isReaderGone', () => {
  it.each(['EPIPE', 'EOF', 'ERR_STREAM_DESTROYED'])('%s: the reader went away, also as the cause of another error', (code) => {
    expect(READER_GONE_CODES.has(code)).toBe(true);
    expect(isReaderGone(codeError(code))).toBe(true);
    expect(isReaderGone(new Error('copy failed', { cause: new Error('stream', { cause: codeError(code) }) }))).toBe(true);
  });

  it.each(['EIO', 'ENOSPC', 'EBADF', 'ECONNRESET', 'ERR_STREAM_PREMATURE_CLOSE', undefined])('%s is another failure', (code) => {
    expect(isReaderGone(code === undefined ? new Error('x') : codeError(code))).toBe(false);
  });

  it('the status is 141 (128 + SIGPIPE) on every platform', () => {
    expect(READER_GONE_STATUS).toBe(141);
  });
});

describe('onReaderGone', () => {
  it.each(['EPIPE', 'EOF', 'ERR_STREAM_DESTROYED'])('%s calls back once, however often the stream repeats it', (code) => {
    const stream = new EventEmitter();
    let gone = 0;
    onReaderGone(stream, () => gone++);
    stream.emit('error', codeError(code));
    stream.emit('error', codeError('ERR_STREAM_DESTROYED'));
    expect(gone).toBe(1);
  });

  it('other errors are not swallowed: thrown by default, or handed to the caller; unsubscribing stops both', () => {
    const stream = new EventEmitter();
    let gone = 0;
    const off = onReaderGone(stream, () => gone++);
    expect(() => stream.emit('error', codeError('EIO'))).toThrow('write EIO');
    const others: string[] = [];
    const second = new EventEmitter();
    onReaderGone(
      second,
      () => gone++,
      (e) => others.push(e.message),
    );
    second.emit('error', codeError('ENOSPC'));
    expect(others).toEqual(['write ENOSPC']);
    off();
    expect(stream.listenerCount('error')).toBe(0);
    expect(gone).toBe(0);
  });
});

/** A stdout whose reader is gone: every write fails with `code`, as the platform reports it. */
function closedStdout(code: string): Writable {
  return new Writable({
    write(_chunk: Buffer, _encoding, callback) {
      callback(codeError(code));
    },
  });
}

describe('exec | head: the reader goes away while the remote process writes', () => {
  let cli: FakeCli;
  beforeEach(() => {
    cli = fakeCli();
  });
  afterEach(async () => {
    cli.api.verify();
    await cli.close();
  });

  it.each(['EPIPE', 'EOF', 'ERR_STREAM_DESTROYED'])('%s: exit 141, nothing on stderr, the remote process killed', async (code) => {
    cli.api.addSandbox();
    const envd = cli.envd.sandbox(ID);
    // `yes`: a line, then it keeps running until it is killed
    envd.onStart = () => ({ stdout: 'y\n', keepRunning: true });
    const { ctx, stderr } = cli.context();
    const stdout = closedStdout(code);
    const stdin = Object.assign(new PassThrough(), { isTTY: false });
    stdin.end();
    ctx.io = createIO({ stdin, stdout, stderr: ctx.io.stderr }, { NO_COLOR: '1' });
    expect(await main(['exec', ID, '--no-stdin', '--', 'yes'], ctx)).toBe(141);
    expect(stderr()).toBe('');
    expect(envd.running.size).toBe(0);
    expect(envd.signals.map((s) => s.signal)).toEqual([9]);
  });
});
