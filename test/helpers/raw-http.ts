/**
 * HTTP/1.1 over a plain TCP socket, for the security tests: requests whose target or headers
 * Node's and undici's clients would normalize, refuse to send, or fix up (dot segments,
 * backslashes, absolute-form targets, repeated or missing Host, oversized headers).
 */
import { connect } from 'node:net';

export interface RawResponse {
  /** undefined when the server closed the connection without an answer. */
  status?: number | undefined;
  headers: Record<string, string>;
  body: string;
  /** The socket ended with an error (e.g. ECONNRESET) rather than a clean close. */
  error?: string;
}

/** A request line and header lines as they go on the wire; `Connection: close` is added. */
export interface RawRequest {
  method?: string;
  target: string;
  /** Header lines as [name, value] pairs, sent in order, repeats included. */
  headers: Array<[string, string]>;
  body?: string | Buffer;
  /** Defaults to HTTP/1.1. */
  version?: string;
}

/** The bytes of a raw request; a body gets a Content-Length unless the headers set framing. */
export function rawBytes(req: RawRequest): Buffer {
  const lines = [`${req.method ?? 'GET'} ${req.target} ${req.version ?? 'HTTP/1.1'}`];
  for (const [name, value] of req.headers) lines.push(`${name}: ${value}`);
  const body = req.body === undefined ? Buffer.alloc(0) : Buffer.from(req.body);
  const framed = req.headers.some(([name]) => /^(content-length|transfer-encoding)$/i.test(name));
  if (body.length > 0 && !framed) lines.push(`Content-Length: ${body.length}`);
  lines.push('Connection: close');
  return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), body]);
}

/** Sends raw bytes to 127.0.0.1:port and reads the answer until the server closes. */
export function sendRaw(port: number, bytes: Buffer, timeoutMs = 30_000): Promise<RawResponse> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let error: string | undefined;
    const timer = setTimeout(() => socket.destroy(new Error('timed out')), timeoutMs);
    socket.on('data', (d: Buffer) => chunks.push(d));
    socket.on('error', (e: NodeJS.ErrnoException) => {
      error = e.code ?? e.message;
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ ...parseResponse(Buffer.concat(chunks)), ...(error ? { error } : {}) });
    });
    // Not end(): Node's server aborts a request whose client half-closes before the answer.
    socket.write(bytes);
  });
}

/** Sends a raw request (see `RawRequest`) and reads its answer. */
export function rawRequest(port: number, req: RawRequest): Promise<RawResponse> {
  return sendRaw(port, rawBytes(req));
}

function parseResponse(data: Buffer): Omit<RawResponse, 'error'> {
  const end = data.indexOf('\r\n\r\n');
  if (end < 0) return { headers: {}, body: '' };
  const [statusLine, ...lines] = data.subarray(0, end).toString('latin1').split('\r\n');
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1]);
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  let body = data.subarray(end + 4);
  if (headers['transfer-encoding'] === 'chunked') body = dechunk(body);
  return { status: Number.isNaN(status) ? undefined : status, headers, body: body.toString('utf8') };
}

function dechunk(data: Buffer): Buffer {
  const out: Buffer[] = [];
  let offset = 0;
  while (offset < data.length) {
    const lineEnd = data.indexOf('\r\n', offset);
    if (lineEnd < 0) break;
    const size = parseInt(data.subarray(offset, lineEnd).toString('latin1'), 16);
    if (!size) break;
    out.push(data.subarray(lineEnd + 2, lineEnd + 2 + size));
    offset = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(out);
}

/** A multipart/form-data body with one `file` part, as a browser form or `curl -F` sends it. */
export function multipartFile(filename: string, data: string): { contentType: string; body: Buffer } {
  const boundary = '----e2btsboundary7MA4YWxkTrZu0gW';
  const body = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: text/plain\r\n\r\n${data}\r\n--${boundary}--\r\n`,
  );
  return { contentType: `multipart/form-data; boundary=${boundary}`, body };
}
