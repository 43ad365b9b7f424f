/**
 * A streaming multipart/form-data reader: each part's body is handed out as a stream while the
 * request is still arriving, so uploads of any size pass through in bounded memory.
 */
import { PassThrough, type Readable } from 'node:stream';

export interface Part {
  /** The `name` of the part's Content-Disposition. */
  name: string;
  /** The `filename` of the part's Content-Disposition, verbatim (may include directories). */
  filename?: string;
  headers: Record<string, string>;
  body: Readable;
}

/** The boundary of a multipart Content-Type, or undefined. */
export function boundaryOf(contentType: string | undefined): string | undefined {
  const match = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType ?? '');
  return match ? (match[1] ?? match[2]).trim() : undefined;
}

function parseHeaders(block: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of block.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return headers;
}

function dispositionParam(disposition: string, key: string): string | undefined {
  const match = new RegExp(`(?:^|;)\\s*${key}=(?:"((?:[^"\\\\]|\\\\.)*)"|([^;]*))`, 'i').exec(disposition);
  if (!match) return undefined;
  return match[1] !== undefined ? match[1].replace(/\\(.)/g, '$1') : match[2].trim();
}

/**
 * Reads the parts of `input` one after another, calling `onPart` for each while its body is
 * still streaming in (the body applies backpressure to the request). Resolves when the closing
 * boundary was read and every `onPart` finished; rejects on malformed input or a failed part.
 */
export async function readMultipart(input: AsyncIterable<Buffer>, boundary: string, onPart: (part: Part) => Promise<void>): Promise<void> {
  const delimiter = Buffer.from(`\r\n--${boundary}`);
  // The body starts with "--boundary" (no CRLF before the first one); prepend one to unify.
  let buffer: Buffer = Buffer.from('\r\n');
  let state: 'preamble' | 'headers' | 'body' = 'preamble';
  let part: PassThrough | undefined;
  let handling: Promise<void> | undefined;
  let handlerFailure: unknown;
  const iterator = input[Symbol.asyncIterator]();
  let ended = false;

  const more = async (): Promise<boolean> => {
    if (ended) return false;
    const next = await iterator.next();
    if (next.done) {
      ended = true;
      return false;
    }
    buffer = buffer.length ? Buffer.concat([buffer, next.value]) : next.value;
    return true;
  };
  const write = (stream: PassThrough, chunk: Buffer) =>
    stream.write(chunk) || stream.destroyed
      ? Promise.resolve()
      : new Promise<void>((resolve) => {
          stream.once('drain', resolve);
          stream.once('close', resolve);
        });
  const fail = (message: string): never => {
    part?.destroy(new Error(message));
    throw new Error(message);
  };

  try {
    for (;;) {
      if (handlerFailure) throw handlerFailure;
      if (state === 'preamble' || state === 'body') {
        const at = buffer.indexOf(delimiter);
        if (at < 0) {
          // Keep a tail that could be the start of a delimiter split across chunks.
          const keep = delimiter.length - 1;
          if (state === 'body' && part && buffer.length > keep) {
            const chunk = buffer.subarray(0, buffer.length - keep);
            buffer = Buffer.from(buffer.subarray(buffer.length - keep));
            await write(part, chunk);
          }
          if (!(await more())) fail('multipart body ended before its closing boundary');
          continue;
        }
        if (state === 'body' && part) {
          if (at > 0) await write(part, buffer.subarray(0, at));
          part.end();
          part = undefined;
          await handling;
          handling = undefined;
        }
        buffer = Buffer.from(buffer.subarray(at + delimiter.length));
        // After a delimiter: "--" closes the body, CRLF starts a part.
        while (buffer.length < 2) if (!(await more())) fail('multipart body ended after a boundary');
        if (buffer.subarray(0, 2).toString() === '--') {
          if (handlerFailure) throw handlerFailure;
          // drain whatever epilogue follows, so the request completes
          while (await more()) buffer = Buffer.alloc(0);
          return;
        }
        state = 'headers';
        continue;
      }
      const end = buffer.indexOf('\r\n\r\n');
      if (end < 0) {
        if (buffer.length > 64 * 1024) fail('multipart part headers too large');
        if (!(await more())) fail('multipart body ended inside part headers');
        continue;
      }
      // the boundary line's own CRLF comes first
      const headerText = buffer.subarray(0, end).toString('utf8').replace(/^[ \t]*\r\n/, '');
      buffer = Buffer.from(buffer.subarray(end + 4));
      const headers = parseHeaders(headerText);
      const disposition = headers['content-disposition'] ?? '';
      const filename = dispositionParam(disposition, 'filename');
      const body = new PassThrough({ highWaterMark: 1 << 20 });
      part = body;
      state = 'body';
      handling = onPart({
        name: dispositionParam(disposition, 'name') ?? '',
        ...(filename !== undefined ? { filename } : {}),
        headers,
        body,
      }).catch((error: unknown) => {
        handlerFailure = error;
        // unblock a writer waiting for this part's stream to drain
        body.destroy();
      });
    }
  } finally {
    if (part && !part.destroyed) part.destroy(new Error('upload aborted'));
    await handling;
  }
}
