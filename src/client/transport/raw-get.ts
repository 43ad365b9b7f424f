/**
 * A GET over plain HTTP/1.1 whose body is read into one reused buffer and handed on before the
 * next read. A Node HTTP response allocates a fresh 64 KiB buffer per socket read; at loopback
 * speeds (the local backend) the garbage collection that follows costs more CPU than the
 * transfer itself, and a file download here was twice as slow as curl. Reading into one buffer
 * and writing it out synchronously allocates nothing per read.
 *
 * It handles only the plain case, a 200 with a Content-Length and no content coding; anything
 * else is reported as `unsupported` before a body byte is passed on, and the caller repeats
 * the GET the ordinary way (it has no side effects).
 */
import { connect, type Socket } from 'node:net';
import { IdleTimeoutError } from './fetch.js';

export type RawGetResult = { kind: 'body'; bytes: number } | { kind: 'unsupported'; status: number };

export interface RawGetOptions {
  signal?: AbortSignal | undefined;
  /** Fails the GET when the connection sees no traffic for this long (ms). */
  idleTimeoutMs?: number | undefined;
}

/** Size of the one read buffer: large reads mean few callbacks. */
const READ_BUFFER_BYTES = 1 << 20;
/** A response head larger than this is not one envd sends. */
const MAX_HEAD_BYTES = 64 * 1024;

/** Parsed status line and headers (names lower-cased, repeats joined with ", "). */
export function parseResponseHead(head: string): { status: number; headers: Record<string, string> } | undefined {
  const [statusLine, ...lines] = head.split('\r\n');
  const match = /^HTTP\/1\.[01] (\d{3})(?: |$)/.exec(statusLine ?? '');
  if (!match) return undefined;
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon <= 0) return undefined;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
  }
  return { status: Number(match[1]), headers };
}

/**
 * One outcome for a raw exchange: the first call of `finish` settles the promise and runs
 * `cleanup` (destroying the socket); later calls do nothing. An abort of `signal` finishes it
 * with the signal's reason (at once when it is already aborted).
 */
export function settleOnce<T>(
  resolve: (value: T) => void,
  reject: (error: unknown) => void,
  signal: AbortSignal | undefined,
  cleanup: () => void,
): { finish(error: unknown, result?: T): void; settled(): boolean } {
  let done = false;
  const onAbort = () => finish(signal!.reason ?? new Error('aborted'));
  const finish = (error: unknown, result?: T) => {
    if (done) return;
    done = true;
    signal?.removeEventListener('abort', onAbort);
    cleanup();
    if (error) reject(error);
    else resolve(result as T);
  };
  if (signal?.aborted) onAbort();
  else signal?.addEventListener('abort', onAbort, { once: true });
  return { finish, settled: () => done };
}

/** The request line and headers of an HTTP/1.1 request, up to and including the blank line. */
export function requestHead(method: string, url: URL, headers: Record<string, string>): string {
  const lines = [`${method} ${url.pathname}${url.search} HTTP/1.1`, `host: ${url.host}`];
  for (const [name, value] of Object.entries(headers)) {
    if (/[\r\n]/.test(name) || /[\r\n]/.test(value)) throw new Error(`header ${name} holds a line break`);
    lines.push(`${name}: ${value}`);
  }
  return `${lines.join('\r\n')}\r\n\r\n`;
}

/**
 * A plain TCP connection to `url`'s host and port for one raw exchange; a socket error, or no
 * traffic for `opts.idleTimeoutMs`, ends the exchange through `finish`.
 */
export function rawConnect(
  url: URL,
  opts: RawGetOptions,
  finish: (error: unknown) => void,
  onread?: { buffer: Buffer; callback: (nread: number, buffer: Uint8Array) => boolean },
): Socket {
  // URL keeps the brackets of an IPv6 literal; connect wants the bare address
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const socket = connect({ host, port: Number(url.port || 80), noDelay: true, ...(onread ? { onread } : {}) });
  socket.on('error', (error) => finish(error));
  if (opts.idleTimeoutMs) {
    const ms = opts.idleTimeoutMs;
    socket.setTimeout(ms, () => finish(new IdleTimeoutError(`no data for ${ms} ms`)));
  }
  return socket;
}

/**
 * GETs `url` (http: only) and passes every body byte to `onChunk`, which must be done with the
 * buffer when it returns (the next read overwrites it). Errors `onChunk` throws end the GET and
 * are rethrown as they are; connection failures reject with the socket's error.
 */
export function rawGet(url: URL, headers: Record<string, string>, onChunk: (chunk: Buffer) => void, opts: RawGetOptions = {}): Promise<RawGetResult> {
  if (url.protocol !== 'http:') throw new Error(`rawGet speaks plain HTTP only, not ${url.protocol}`);
  return new Promise<RawGetResult>((resolve, reject) => {
    const requestText = requestHead('GET', url, { ...headers, 'accept-encoding': 'identity', connection: 'close' });
    let head: Buffer | undefined = Buffer.alloc(0);
    let remaining = 0;
    let bytes = 0;
    let socket: Socket | undefined;
    const { finish, settled } = settleOnce(resolve, reject, opts.signal, () => socket?.destroy());
    if (settled()) return;

    /** Passes body bytes on; resolves once the declared length is through. */
    const body = (chunk: Buffer) => {
      if (chunk.length === 0) return;
      const take = chunk.length > remaining ? chunk.subarray(0, remaining) : chunk;
      remaining -= take.length;
      bytes += take.length;
      onChunk(take);
      if (remaining === 0) finish(undefined, { kind: 'body', bytes });
    };

    const onRead = (nread: number, buffer: Uint8Array): boolean => {
      if (!settled()) read(Buffer.from(buffer.buffer, buffer.byteOffset, nread));
      return true;
    };
    const read = (chunk: Buffer): void => {
      try {
        if (head === undefined) {
          body(chunk);
          return;
        }
        head = Buffer.concat([head, chunk]);
        const end = head.indexOf('\r\n\r\n');
        if (end < 0) {
          if (head.length > MAX_HEAD_BYTES) finish(new Error('the response head is too large'));
          return;
        }
        const parsed = parseResponseHead(head.subarray(0, end).toString('latin1'));
        if (!parsed) {
          finish(new Error('the server sent a malformed HTTP response'));
          return;
        }
        const { status, headers: got } = parsed;
        const length = got['content-length'];
        const coded = (got['content-encoding'] ?? 'identity') !== 'identity' || got['transfer-encoding'] !== undefined;
        if (status !== 200 || coded || length === undefined || !/^\d+$/.test(length)) {
          finish(undefined, { kind: 'unsupported', status });
          return;
        }
        remaining = Number(length);
        // the buffer is reused by the next read: the part after the head must be copied out of `head` now
        const rest = head.subarray(end + 4);
        head = undefined;
        if (remaining === 0) finish(undefined, { kind: 'body', bytes: 0 });
        else body(rest);
      } catch (error) {
        finish(error);
      }
    };

    socket = rawConnect(url, opts, finish, { buffer: Buffer.allocUnsafe(READ_BUFFER_BYTES), callback: onRead });
    socket.on('close', () => finish(new Error('the connection closed before the whole answer arrived')));
    socket.write(requestText);
  });
}
