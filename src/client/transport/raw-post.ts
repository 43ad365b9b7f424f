/**
 * A POST over plain HTTP/1.1 whose body is a local file, read into two reused buffers that take
 * turns: one is being sent while the next part of the file is read into the other. Piping a
 * file stream into a Node request allocates a fresh buffer per read, and at loopback speeds
 * (the local backend) the garbage collection that follows costs more CPU than the transfer.
 * See raw-get.ts for the other direction.
 */
import type { FileHandle } from 'node:fs/promises';
import type { Socket } from 'node:net';
import { parseResponseHead, rawConnect, requestHead, settleOnce, type RawGetOptions } from './raw-get.js';

/** The server's answer, read whole (an upload's answer is a short JSON document). */
export interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  text: string;
}

/** Size of each of the two body buffers. */
const PART_BYTES = 1 << 20;
/** An answer larger than this is not one envd sends to an upload. */
const MAX_ANSWER_BYTES = 4 * 1024 * 1024;

/** The body of a chunked answer, or undefined while it is incomplete. */
export function dechunk(raw: Buffer): Buffer | undefined {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = raw.indexOf('\r\n', at);
    if (lineEnd < 0) return undefined;
    const size = Number.parseInt(raw.subarray(at, lineEnd).toString('latin1').split(';')[0]!.trim(), 16);
    if (!Number.isFinite(size) || size < 0) throw new Error('the server sent a malformed chunked answer');
    if (size === 0) return Buffer.concat(parts);
    const start = lineEnd + 2;
    if (raw.length < start + size + 2) return undefined;
    parts.push(raw.subarray(start, start + size));
    at = start + size + 2;
  }
}

/**
 * POSTs the first `size` bytes of `file` to `url` (http: only) as the body, passing each part
 * to `onChunk` (in order, before it is sent; the buffer is reused once it is sent) and
 * resolving with the answer. An answer that comes before the whole body went out (a refusal)
 * ends the upload. Errors `onChunk` throws end it too and are rethrown as they are.
 */
export function rawPostFile(
  url: URL,
  headers: Record<string, string>,
  file: FileHandle,
  size: number,
  onChunk: (chunk: Buffer) => void,
  opts: RawGetOptions = {},
): Promise<RawAnswer> {
  if (url.protocol !== 'http:') throw new Error(`rawPostFile speaks plain HTTP only, not ${url.protocol}`);
  return new Promise<RawAnswer>((resolve, reject) => {
    const requestText = requestHead('POST', url, { ...headers, 'content-length': String(size), connection: 'close' });
    let socket: Socket | undefined;
    const { finish, settled } = settleOnce(resolve, reject, opts.signal, () => socket?.destroy());
    if (settled()) return;

    // ---- the answer ----
    let received = Buffer.alloc(0);
    let head: { status: number; headers: Record<string, string>; bodyAt: number } | undefined;
    const answerBody = (): Buffer | undefined => {
      const raw = received.subarray(head!.bodyAt);
      if (head!.headers['transfer-encoding']?.toLowerCase().includes('chunked')) return dechunk(raw);
      const length = head!.headers['content-length'];
      if (length !== undefined) return raw.length >= Number(length) ? raw.subarray(0, Number(length)) : undefined;
      return undefined; // delimited by the end of the connection
    };
    const answer = (body: Buffer) => finish(undefined, { status: head!.status, headers: head!.headers, text: body.toString('utf8') });
    const onData = (data: Buffer) => {
      try {
        received = Buffer.concat([received, data]);
        if (received.length > MAX_ANSWER_BYTES) return finish(new Error('the answer to the upload is too large'));
        if (!head) {
          const end = received.indexOf('\r\n\r\n');
          if (end < 0) return;
          const parsed = parseResponseHead(received.subarray(0, end).toString('latin1'));
          if (!parsed) return finish(new Error('the server sent a malformed HTTP response'));
          // an interim answer (100 Continue) is followed by the real one
          if (parsed.status >= 100 && parsed.status < 200) {
            received = received.subarray(end + 4);
            return onData(Buffer.alloc(0));
          }
          head = { ...parsed, bodyAt: end + 4 };
        }
        const body = answerBody();
        if (body) answer(body);
      } catch (error) {
        finish(error);
      }
    };

    // ---- the body ----
    const free = [Buffer.allocUnsafe(Math.min(PART_BYTES, Math.max(size, 1))), Buffer.allocUnsafe(Math.min(PART_BYTES, Math.max(size, 1)))];
    let position = 0;
    let reading = false;
    const pump = () => {
      if (settled() || reading || position >= size || free.length === 0) return;
      const buffer = free.pop()!;
      reading = true;
      file.read(buffer, 0, Math.min(buffer.length, size - position), position).then(
        ({ bytesRead }) => {
          reading = false;
          if (settled()) return;
          if (bytesRead === 0) return finish(new Error(`the file shrank while it was sent (${position} of ${size} bytes)`));
          position += bytesRead;
          const part = buffer.subarray(0, bytesRead);
          try {
            onChunk(part);
          } catch (error) {
            return finish(error);
          }
          socket!.write(part, () => {
            free.push(buffer);
            pump();
          });
          pump();
        },
        (error: unknown) => finish(error),
      );
    };

    socket = rawConnect(url, opts, finish);
    socket.on('data', onData);
    socket.on('close', () => {
      // an answer delimited by the end of the connection is complete now
      if (head && !head.headers['transfer-encoding'] && head.headers['content-length'] === undefined) return answer(received.subarray(head.bodyAt));
      finish(new Error('the connection closed before the whole answer arrived'));
    });
    socket.write(requestText);
    pump();
  });
}
