/**
 * envd's `GET /files` (download) and `POST /files` (upload), e2b-protocol.md §5.1–5.3: signed
 * links, users, gzip both ways, ranges, multipart (many files per request) and octet-stream
 * bodies, upload metadata, 507 on a full disk.
 */
import { timingSafeEqual } from 'node:crypto';
import { createReadStream, type Stats } from 'node:fs';
import { lstat, open, stat, type FileHandle } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { posix } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import { getSignature, type FileOperation } from '../../protocol/signature.js';
import type { EnvdConfig } from './config.js';
import { makeParents } from './filesystem/service.js';
import { settling } from './filesystem/settling.js';
import { metadataProblem, type MetadataStore } from './filesystem/metadata.js';
import { errnoOf, errnoText } from './errno.js';
import { sendEnvdError, sendJson } from './http.js';
import { resolveSandboxPath, toHostPath } from './paths.js';
import { boundaryOf, readMultipart } from './multipart.js';
import type { ResolvedUser } from './users.js';

/**
 * Bytes per file read and largest batch of buffered writes. Node's 64 KiB default costs a
 * thread-pool round trip and a socket write per 64 KiB; 1 MiB cut envd's CPU for a 1 GiB
 * download by a measured ~40%.
 */
const READ_CHUNK = 1 << 20;

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const sameText = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/**
 * Signed-link check: with an access token on the sandbox, a request needs the token in
 * X-Access-Token or a valid, unexpired signature of (path, operation, user, token[, expiry]).
 */
function checkSigning(config: EnvdConfig, req: IncomingMessage, query: URLSearchParams, operation: FileOperation): void {
  const token = config.accessToken;
  if (!token) return;
  const header = req.headers['x-access-token'];
  if (typeof header === 'string') {
    if (!sameText(header, token)) throw new HttpError(401, 'access token present in header but does not match');
    return;
  }
  const signature = query.get('signature');
  if (!signature) throw new HttpError(401, 'missing signature query parameter');
  const rawExpiration = query.get('signature_expiration');
  const expiration = rawExpiration === null ? undefined : Number(rawExpiration);
  if (expiration !== undefined && !Number.isInteger(expiration)) throw new HttpError(401, 'invalid signature');
  const expected = getSignature({
    path: query.get('path') ?? '',
    operation,
    user: query.get('username') ?? '',
    accessToken: token,
    ...(expiration !== undefined ? { expiration } : {}),
  });
  if (!sameText(signature, expected)) throw new HttpError(401, 'invalid signature');
  if (expiration !== undefined && expiration < Math.floor(Date.now() / 1000)) throw new HttpError(401, 'signature is already expired');
}

function userFor(config: EnvdConfig, query: URLSearchParams): ResolvedUser {
  const name = query.get('username') || config.defaultUser;
  if (!name) throw new HttpError(400, 'no user specified');
  const user = config.users[name];
  if (!user) throw new HttpError(401, `error looking up user '${name}': unknown user`);
  return { name, ...user };
}

const CONTENT_TYPES: Record<string, string> = {
  '.txt': 'text/plain; charset=utf-8',
  '.json': 'application/json',
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.svg': 'image/svg+xml',
  '.pdf': 'application/pdf',
  '.gz': 'application/gzip',
  '.tar': 'application/x-tar',
  '.zip': 'application/zip',
};

/** Whether gzip is acceptable, and whether identity is (per Accept-Encoding q-values). */
export function negotiateEncoding(header: string | undefined): { gzip: boolean; identity: boolean } {
  if (!header) return { gzip: false, identity: true };
  let gzip = false;
  let identity = true;
  let star: boolean | undefined;
  for (const item of header.split(',')) {
    const [name, ...params] = item.trim().toLowerCase().split(';');
    const q = params.map((p) => /^\s*q=([\d.]+)/.exec(p)?.[1]).find((v) => v !== undefined);
    const ok = q === undefined || Number(q) > 0;
    if (name === 'gzip' || name === 'x-gzip') gzip = ok;
    else if (name === 'identity') identity = ok;
    else if (name === '*') star = ok;
  }
  if (star === false && !header.toLowerCase().includes('identity')) identity = false;
  if (star === true) gzip ||= !/gzip\s*;\s*q=0(\.0*)?\b/.test(header.toLowerCase());
  return { gzip, identity };
}

const TSPECIALS = new Set('()<>@,;:\\"/[]?=');

/**
 * `inline; filename=…` as Go's mime.FormatMediaType writes it: a token as is, other ASCII
 * quoted, anything beyond printable ASCII as RFC 2231 `filename*=utf-8''…` (a raw UTF-8 name
 * is not a valid header value).
 */
export function inlineDisposition(name: string): string {
  const bytes = Buffer.from(name, 'utf8');
  if (bytes.some((b) => (b < 0x20 || b > 0x7e) && b !== 0x09)) {
    let encoded = '';
    for (const b of bytes) {
      const ch = String.fromCharCode(b);
      const plain = b > 0x20 && b < 0x7f && ch !== '*' && ch !== "'" && ch !== '%' && !TSPECIALS.has(ch);
      encoded += plain ? ch : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
    }
    return `inline; filename*=utf-8''${encoded}`;
  }
  const token = name.length > 0 && [...name].every((ch) => ch > ' ' && ch < '\x7f' && !TSPECIALS.has(ch));
  return `inline; filename=${token ? name : `"${name.replace(/["\\]/g, '\\$&')}"`}`;
}

async function download(config: EnvdConfig, req: IncomingMessage, res: ServerResponse, query: URLSearchParams): Promise<void> {
  checkSigning(config, req, query, 'read');
  const user = userFor(config, query);
  const path = resolveSandboxPath(query.get('path') ?? '', user);
  const host = toHostPath(config, path);
  let st: Stats;
  try {
    st = await stat(host);
  } catch {
    throw new HttpError(404, `path '${path}' does not exist`);
  }
  if (st.isDirectory()) throw new HttpError(400, `path '${path}' is a directory`);
  const range = req.headers.range;
  const conditional = range || req.headers['if-modified-since'] || req.headers['if-none-match'] || req.headers['if-range'];
  const accept = negotiateEncoding(conditional ? 'identity' : req.headers['accept-encoding']);
  if (!accept.gzip && !accept.identity) throw new HttpError(406, 'no acceptable content encoding (gzip or identity)');
  const headers: Record<string, string | number> = {
    'content-type': CONTENT_TYPES[posix.extname(path).toLowerCase()] ?? 'application/octet-stream',
    'content-disposition': inlineDisposition(posix.basename(path)),
    vary: 'Accept-Encoding',
    'last-modified': st.mtime.toUTCString(),
  };
  if (accept.gzip && st.size > 0) {
    res.writeHead(200, { ...headers, 'content-encoding': 'gzip' });
    // Large output chunks: fetch (undici) decompresses per HTTP chunk, and zlib's default 16 KB
    // chunks make a 20 MB download take seconds in the official SDK.
    await pipeline(createReadStream(host, { highWaterMark: 1 << 20 }), createGzip({ level: 1, chunkSize: 1 << 20 }), res);
    return;
  }
  headers['accept-ranges'] = 'bytes';
  if (range) {
    const match = /^bytes=(\d*)-(\d*)$/.exec(range.trim());
    let start = match?.[1] ? Number(match[1]) : undefined;
    let end = match?.[2] ? Number(match[2]) : undefined;
    if (match && start === undefined && end !== undefined) {
      start = Math.max(0, st.size - end);
      end = st.size - 1;
    }
    if (!match || start === undefined || start >= st.size || (end !== undefined && end < start)) {
      res.writeHead(416, { 'content-range': `bytes */${st.size}` });
      res.end();
      return;
    }
    end = Math.min(end ?? st.size - 1, st.size - 1);
    res.writeHead(206, { ...headers, 'content-length': end - start + 1, 'content-range': `bytes ${start}-${end}/${st.size}` });
    await pipeline(createReadStream(host, { start, end, highWaterMark: READ_CHUNK }), res);
    return;
  }
  res.writeHead(200, { ...headers, 'content-length': st.size });
  if (st.size === 0) {
    res.end();
    return;
  }
  await pipeline(createReadStream(host, { highWaterMark: READ_CHUNK }), res);
}

/** Metadata from `X-Metadata-<key>` headers (keys lower-cased, as HTTP canonicalizes them). */
function uploadMetadata(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (!name.startsWith('x-metadata-') || value === undefined) continue;
    out[name.slice('x-metadata-'.length)] = Array.isArray(value) ? value[0] : value;
  }
  const problem = metadataProblem(out);
  if (problem) throw new HttpError(400, problem);
  return out;
}

interface Written {
  path: string;
  name: string;
  type: 'file';
  metadata?: Record<string, string>;
}

/** Writes one uploaded file: parents made and owned by the user, then the file truncated and filled. */
async function writeFile(
  config: EnvdConfig,
  store: MetadataStore,
  user: ResolvedUser,
  path: string,
  body: AsyncIterable<Buffer> | NodeJS.ReadableStream,
  metadata: Record<string, string>,
): Promise<Written> {
  const host = toHostPath(config, path);
  const existing = await lstat(host).catch(() => undefined);
  if (existing?.isDirectory()) throw new HttpError(400, `path is a directory: ${path}`);
  try {
    await makeParents(posix.dirname(host), user);
  } catch (error) {
    throw new HttpError(500, `error ensuring directories for ${path}: ${errnoText(error)}`);
  }
  let file: FileHandle;
  try {
    // The user owns the file before any byte lands, as in envd (watchers see the user's file).
    file = await settling(async () => {
      const handle = await open(host, 'w', 0o666);
      try {
        if (process.getuid?.() === 0) await handle.chown(user.uid, user.gid);
      } catch (error) {
        await handle.close().catch(() => undefined);
        throw error;
      }
      return handle;
    });
  } catch (error) {
    if (errnoOf(error) === 'ENOSPC') throw new HttpError(507, `not enough inodes available: ${path}`);
    throw new HttpError(500, `error opening file ${path}: ${errnoText(error)}`);
  }
  try {
    await pipeline(body, file.createWriteStream({ highWaterMark: READ_CHUNK }));
  } catch (error) {
    const code = errnoOf(error);
    if (code === 'ENOSPC') throw new HttpError(507, 'not enough disk space available');
    if (code === 'EDQUOT') throw new HttpError(507, 'not enough disk quota available');
    if (code === 'Z_DATA_ERROR' || code === 'Z_BUF_ERROR') throw new HttpError(400, 'invalid gzip request body');
    throw error;
  } finally {
    await file.close().catch(() => undefined);
  }
  store.set(await stat(host), metadata);
  const out: Written = { path, name: posix.basename(path), type: 'file' };
  if (Object.keys(metadata).length) out.metadata = metadata;
  return out;
}

async function upload(config: EnvdConfig, store: MetadataStore, req: IncomingMessage, res: ServerResponse, query: URLSearchParams): Promise<void> {
  checkSigning(config, req, query, 'write');
  const user = userFor(config, query);
  const metadata = uploadMetadata(req);
  const encoding = (req.headers['content-encoding'] ?? 'identity').toLowerCase().trim();
  if (encoding !== 'gzip' && encoding !== 'identity') {
    throw new HttpError(400, `unsupported Content-Encoding: ${encoding} (use gzip or identity)`);
  }
  const body: NodeJS.ReadableStream = encoding === 'gzip' ? req.pipe(createGunzip()) : req;
  const contentType = (req.headers['content-type'] ?? '').toLowerCase();
  const queryPath = query.get('path');

  if (contentType.startsWith('application/octet-stream')) {
    if (!queryPath) throw new HttpError(400, 'path query parameter is required for raw body upload');
    const written = await writeFile(config, store, user, resolveSandboxPath(queryPath, user), body, metadata);
    sendJson(res, 200, [written]);
    return;
  }
  if (contentType.startsWith('multipart/')) {
    const boundary = boundaryOf(req.headers['content-type']);
    if (!boundary) throw new HttpError(400, 'multipart upload without a boundary');
    const written: Written[] = [];
    const seen = new Set<string>();
    try {
      await readMultipart(body as AsyncIterable<Buffer>, boundary, async (part) => {
        if (part.name !== 'file') {
          part.body.resume();
          return;
        }
        const raw = queryPath ?? part.filename;
        if (!raw) throw new HttpError(400, 'a file part has no filename and no path was given');
        const path = resolveSandboxPath(raw, user);
        if (queryPath && seen.has(path)) throw new HttpError(400, `you cannot upload multiple files to the same path '${path}'`);
        seen.add(path);
        written.push(await writeFile(config, store, user, path, part.body, metadata));
      });
    } catch (error) {
      if (error instanceof HttpError) throw error;
      throw new HttpError(400, `invalid multipart body: ${(error as Error).message}`);
    }
    sendJson(res, 200, written);
    return;
  }
  throw new HttpError(400, `unsupported content type: ${contentType || '(none)'}, expected multipart/form-data or application/octet-stream`);
}

/** The `/files` route of envd. */
export function createFilesRoute(store: MetadataStore) {
  return async (req: IncomingMessage, res: ServerResponse, state: { config: EnvdConfig }): Promise<void> => {
    const query = new URL(req.url ?? '/', 'http://envd').searchParams;
    try {
      if (req.method === 'GET' || req.method === 'HEAD') await download(state.config, req, res, query);
      else if (req.method === 'POST') await upload(state.config, store, req, res, query);
      else throw new HttpError(405, `method ${req.method} not allowed on /files`);
    } catch (error) {
      if (error instanceof HttpError) {
        // Drain what is left of an upload so the client reads our answer instead of a reset.
        if (!req.complete) req.resume();
        sendEnvdError(res, error.status, error.message);
        return;
      }
      if (!res.headersSent) sendEnvdError(res, 500, errnoText(error));
      else res.destroy();
    }
  };
}
