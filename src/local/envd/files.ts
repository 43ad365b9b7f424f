/**
 * envd's `GET /files` (download) and `POST /files` (upload), e2b-protocol.md §5.1–5.3: signed
 * links, users, gzip both ways, ranges, multipart (many files per request) and octet-stream
 * bodies, upload metadata, 507 on a full disk. Uploads land whole or not at all (UploadBatch).
 */
import { createReadStream, type Stats } from 'node:fs';
import { lstat, open, readlink, rename, rm, rmdir, stat, type FileHandle } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { posix } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import { ACCESS_TOKEN_HEADER } from '../../protocol/envd.js';
import { sameSecret } from '../../protocol/secret.js';
import { getSignature, type FileOperation } from '../../protocol/signature.js';
import type { EnvdConfig } from './config.js';
import { makeParents } from './filesystem/service.js';
import { metadataProblem, type MetadataStore } from './filesystem/metadata.js';
import { errnoOf, errnoText } from './errno.js';
import { sendEnvdError, sendJson } from './http.js';
import { resolveSandboxPath, toHostPath } from './paths.js';
import { FormDataError, multipartBoundary, readFormData } from './form-data.js';
import { settling, writeOperation } from './filesystem/settling.js';
import { uploadTempName } from './filesystem/upload-temp.js';
import type { ResolvedUser } from './users.js';

/**
 * Bytes per file read and largest batch of buffered writes. Node's 64 KiB default costs a
 * thread-pool round trip and a socket write per 64 KiB; 1 MiB cut envd's CPU for a 1 GiB
 * download by a measured ~40%.
 */
const READ_CHUNK = 1 << 20;

/** Renames in flight while an upload lands: twice libuv's default thread pool, to keep it busy. */
const LANDING_CONCURRENCY = 8;

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Signed-link check: with an access token on the sandbox, a request needs the token in
 * X-Access-Token or a valid, unexpired signature of (path, operation, user, token[, expiry]).
 */
function checkSigning(config: EnvdConfig, req: IncomingMessage, query: URLSearchParams, operation: FileOperation): void {
  const token = config.accessToken;
  if (!token) return;
  const header = req.headers[ACCESS_TOKEN_HEADER];
  if (typeof header === 'string') {
    if (!sameSecret(token, header)) throw new HttpError(401, 'access token present in header but does not match');
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
  if (!sameSecret(expected, signature)) throw new HttpError(401, 'invalid signature');
  if (expiration !== undefined && expiration < Math.floor(Date.now() / 1000)) throw new HttpError(401, 'signature is already expired');
}

function userFor(config: EnvdConfig, query: URLSearchParams): ResolvedUser {
  const name = query.get('username') || config.defaultUser;
  if (!name) throw new HttpError(400, 'no user specified');
  // own properties only: "__proto__" is not a user
  const user = Object.hasOwn(config.users, name) ? config.users[name] : undefined;
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
  // Pseudo-files (procfs, sysfs) report a size of 0 (or 4096) whatever they hold: they are read
  // first and served by their content, as `cat` sees them, not by what stat says.
  const content = st.isFile() && (st.size === 0 || /^\/(proc|sys)\//.test(path)) ? await readPseudoFile(host, path) : undefined;
  const size = content ? content.length : st.size;
  const source = (opts: { start?: number; end?: number; highWaterMark: number }) =>
    content ? Readable.from([content.subarray(opts.start ?? 0, opts.end === undefined ? undefined : opts.end + 1)]) : createReadStream(host, opts);
  if (accept.gzip && size > 0) {
    res.writeHead(200, { ...headers, 'content-encoding': 'gzip' });
    // Large output chunks: fetch (undici) decompresses per HTTP chunk, and zlib's default 16 KB
    // chunks make a 20 MB download take seconds in the official SDK.
    await pipeline(source({ highWaterMark: 1 << 20 }), createGzip({ level: 1, chunkSize: 1 << 20 }), res);
    return;
  }
  headers['accept-ranges'] = 'bytes';
  if (range) {
    const match = /^bytes=(\d*)-(\d*)$/.exec(range.trim());
    let start = match?.[1] ? Number(match[1]) : undefined;
    let end = match?.[2] ? Number(match[2]) : undefined;
    if (match && start === undefined && end !== undefined) {
      start = Math.max(0, size - end);
      end = size - 1;
    }
    if (!match || start === undefined || start >= size || (end !== undefined && end < start)) {
      res.writeHead(416, { 'content-range': `bytes */${size}` });
      res.end();
      return;
    }
    end = Math.min(end ?? size - 1, size - 1);
    res.writeHead(206, { ...headers, 'content-length': end - start + 1, 'content-range': `bytes ${start}-${end}/${size}` });
    await pipeline(source({ start, end, highWaterMark: READ_CHUNK }), res);
    return;
  }
  res.writeHead(200, { ...headers, 'content-length': size });
  if (size === 0) {
    res.end();
    return;
  }
  await pipeline(source({ highWaterMark: READ_CHUNK }), res);
}

/** Most a pseudo-file is read into memory for (a /proc file this large is not a status file). */
const PSEUDO_FILE_LIMIT = 64 * 1024 * 1024;

/** Reads a file whose size stat cannot tell, to its end, up to PSEUDO_FILE_LIMIT. */
async function readPseudoFile(host: string, path: string): Promise<Buffer> {
  const handle = await open(host, 'r').catch(() => {
    throw new HttpError(404, `path '${path}' does not exist`);
  });
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const buffer = Buffer.alloc(64 * 1024);
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) break;
      total += bytesRead;
      if (total > PSEUDO_FILE_LIMIT) throw new HttpError(413, `'${path}' reports no size and holds more than ${PSEUDO_FILE_LIMIT} bytes`);
      chunks.push(buffer.subarray(0, bytesRead));
    }
    return Buffer.concat(chunks);
  } catch (error) {
    if (error instanceof HttpError) throw error;
    throw new HttpError(400, `cannot read '${path}': ${(error as Error).message}`);
  } finally {
    await handle.close();
  }
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

/** A file written under its temporary name, waiting to be renamed into place. */
interface Staged {
  /** Sandbox path, as the answer reports it. */
  path: string;
  /** Where it lands (symlinks followed, as an open(2) of the path would). */
  target: string;
  /** Where it is written: a temporary, or the target itself for a new file written in place. */
  temp: string;
  /** For a new file written in place: the file this upload made (so a failure removes only it). */
  made?: Stats;
  /** The written file once complete (metadata is keyed by the file's identity). */
  stats?: Stats;
  /** The file it replaces, whose metadata goes with it. */
  replaced?: Stats;
}

/**
 * The final component of `host` followed through symlinks, as open(2) would follow it, and what
 * is there now (undefined when nothing is, or when a parent is missing or not a folder:
 * making the parents reports that).
 */
async function writeTarget(host: string): Promise<{ target: string; existing?: Stats }> {
  let target = host;
  for (let hops = 0; hops < 40; hops++) {
    let st: Stats;
    try {
      st = await lstat(target);
    } catch (error) {
      if (errnoOf(error) === 'ENOENT' || errnoOf(error) === 'ENOTDIR') return { target };
      throw error;
    }
    if (!st.isSymbolicLink()) return { target, existing: st };
    target = posix.resolve(posix.dirname(target), await readlink(target));
  }
  throw Object.assign(new Error(`too many levels of symbolic links: ${host}`), { code: 'ELOOP' });
}

/**
 * The files of one request. Each is written under a temporary name in its target's folder and
 * is the user's before its name appears (E2B's envd chowns before writing, so watchers never see
 * root's file); all of them are renamed into place only when the whole request was read, or all
 * removed, with the folders made for them. (A raw upload to a new path is written in place, and
 * removed on failure: see stage.)
 *
 * E2B's envd writes each part straight to its target and, at the first bad part, answers and
 * keeps what it wrote before (its "you cannot upload multiple files to the same path" message
 * lists them). Here a request refused or cut short changes nothing: a client told "invalid"
 * cannot know which of its files landed, and a half-sent file is worse than the old one.
 */
class UploadBatch {
  private readonly staged: Staged[] = [];
  private readonly dirs: string[] = [];

  constructor(
    private readonly config: EnvdConfig,
    private readonly store: MetadataStore,
    private readonly user: ResolvedUser,
    private readonly metadata: Record<string, string>,
  ) {}

  /**
   * Writes one file of the request. `inPlace`: a file that does not exist yet is written under
   * its own name, as E2B's envd writes every file (and removed again if the request fails), so
   * a reader can follow it as it grows: `fs cp` hashes an upload while it arrives. A file that
   * exists is always written beside it and swapped in, so a failed upload leaves it as it was.
   */
  async stage(path: string, body: NodeJS.ReadableStream, opts: { inPlace?: boolean } = {}): Promise<void> {
    if (path.includes('\0')) throw new HttpError(400, 'a path cannot hold a NUL byte');
    let target: string;
    let existing: Stats | undefined;
    try {
      ({ target, existing } = await writeTarget(toHostPath(this.config, path)));
    } catch (error) {
      throw new HttpError(500, `error opening file ${path}: ${errnoText(error)}`);
    }
    if (existing?.isDirectory()) throw new HttpError(400, `path is a directory: ${path}`);
    const inPlace = opts.inPlace === true && existing === undefined;
    const temp = inPlace ? target : posix.join(posix.dirname(target), uploadTempName());
    let file: FileHandle;
    let made: Stats | undefined;
    let owning: Promise<unknown>;
    const operation = inPlace ? writeOperation(target) : undefined;
    try {
      if (inPlace) {
        // Seen by watchers from the start: the user owns it before any byte lands, as in envd.
        [file, made] = await settling(async () => {
          const handle = await this.create(temp, path);
          try {
            const [st] = await Promise.all([handle.stat(), this.own(handle, undefined)]);
            return [handle, st] as const;
          } catch (error) {
            await handle.close().catch(() => undefined);
            await rm(temp, { force: true });
            throw error;
          }
        });
        owning = Promise.resolve();
      } else {
        // Not in settling(): no watcher sees a temporary (the folders it needs are made through
        // makeParents, which is), and its name appears only once it is the user's. So the
        // chown runs beside the writes: one file-system round trip less for every small file.
        file = await this.create(temp, path);
        owning = this.own(file, existing).catch((error: unknown) => {
          throw new HttpError(500, `error opening file ${path}: ${errnoText(error)}`);
        });
        owning.catch(() => undefined);
      }
    } catch (error) {
      if (error instanceof HttpError) throw error;
      if (errnoOf(error) === 'ENOSPC') throw new HttpError(507, `not enough inodes available: ${path}`);
      throw new HttpError(500, `error opening file ${path}: ${errnoText(error)}`);
    }
    const staged: Staged = { path, target, temp, ...(made ? { made } : {}), ...(existing?.isFile() ? { replaced: existing } : {}) };
    this.staged.push(staged);
    try {
      await pipeline(body, file.createWriteStream({ highWaterMark: READ_CHUNK }));
      await owning;
    } catch (error) {
      if (error instanceof HttpError) throw error;
      const code = errnoOf(error);
      if (code === 'ENOSPC') throw new HttpError(507, 'not enough disk space available');
      if (code === 'EDQUOT') throw new HttpError(507, 'not enough disk quota available');
      if (code === 'Z_DATA_ERROR' || code === 'Z_BUF_ERROR') throw new HttpError(400, 'invalid gzip request body');
      throw error;
    } finally {
      await file.close().catch(() => undefined);
      operation?.();
    }
    staged.stats = await stat(temp);
  }

  /**
   * Hands a temporary to the user, with the mode of the file it replaces (if any). Both calls
   * start at once: the write stream closes the file as soon as the last byte is written (at once
   * for an empty file), and a FileHandle closes only after the calls already started on it.
   */
  private own(file: FileHandle, replaced: Stats | undefined): Promise<unknown> {
    return Promise.all([
      process.getuid?.() === 0 ? file.chown(this.user.uid, this.user.gid) : undefined,
      // A replaced file keeps its permissions, as when envd writes into it in place; the set-ID
      // bits go, as a chown or a write clears them (so the order of the two does not matter).
      replaced?.isFile() ? file.chmod(replaced.mode & 0o1777) : undefined,
    ]);
  }

  /**
   * Creates a file ('wx': never something already there, nor a symlink planted in its place).
   * Its folder is made only when missing: trying first spares the common upload, into a folder
   * that exists, the walk up its parents (one file-system call of the few each file costs, which
   * the rename into place brings back).
   */
  private async create(temp: string, path: string): Promise<FileHandle> {
    try {
      return await open(temp, 'wx', 0o666);
    } catch (error) {
      const code = errnoOf(error);
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw error;
    }
    try {
      this.dirs.push(...(await makeParents(posix.dirname(temp), this.user)));
    } catch (error) {
      throw new HttpError(500, `error ensuring directories for ${path}: ${errnoText(error)}`);
    }
    return open(temp, 'wx', 0o666);
  }

  /**
   * Renames every staged file into place, a few at a time: one after another, a request of
   * thousands of small files took longer to land than to send (a rename is a thread-pool round
   * trip). A target named twice gets the later file, as when they were written in order.
   */
  async land(): Promise<Written[]> {
    const last = new Map<string, Staged>();
    for (const s of this.staged) last.set(s.target, s);
    // A file named as the folder of another file of the same request (`a`, then `a/b`): the
    // folder was made for `a/b` while `a` waited under its temporary name, so `a` can never land.
    // Found before any rename: once renames began, those done could not be taken back.
    for (const target of last.keys()) {
      for (let dir = posix.dirname(target); dir !== posix.dirname(dir); dir = posix.dirname(dir)) {
        const file = last.get(dir);
        if (file) throw new HttpError(400, `path is a directory: ${file.path}`);
      }
    }
    const landOne = async (s: Staged) => {
      if (last.get(s.target) !== s) {
        await rm(s.temp, { force: true });
        return;
      }
      // The metadata is there before the name appears, so no one sees the file without it.
      this.store.set(s.stats!, this.metadata, s.temp);
      if (s.made) return;
      try {
        await rename(s.temp, s.target);
      } catch (error) {
        const code = errnoOf(error);
        if (code === 'EISDIR' || code === 'ENOTEMPTY' || code === 'EEXIST') throw new HttpError(400, `path is a directory: ${s.path}`);
        throw new HttpError(500, `error writing file ${s.path}: ${errnoText(error)}`);
      }
      // The replaced file is gone (unless another name still links it), and its metadata with it.
      if (s.replaced && s.replaced.nlink === 1) this.store.set(s.replaced, {});
    };
    let next = 0;
    let failure: unknown;
    const worker = async () => {
      while (failure === undefined && next < this.staged.length) {
        const s = this.staged[next++];
        await landOne(s).catch((error: unknown) => {
          failure ??= error;
        });
      }
    };
    await Promise.all(Array.from({ length: LANDING_CONCURRENCY }, worker));
    if (failure !== undefined) throw failure;
    return this.staged.map((s) => ({
      path: s.path,
      name: posix.basename(s.path),
      type: 'file' as const,
      ...(Object.keys(this.metadata).length ? { metadata: this.metadata } : {}),
    }));
  }

  /** Removes what is still staged and the folders made for it (those still empty). */
  async discard(): Promise<void> {
    const remove = async (s: Staged) => {
      if (s.made) {
        // written in place: removed only while it is still the file this upload made
        const now = await lstat(s.temp).catch(() => undefined);
        if (!now || now.ino !== s.made.ino || now.dev !== s.made.dev) return;
      }
      await rm(s.temp, { force: true });
    };
    await Promise.all(this.staged.map((s) => remove(s).catch(() => undefined)));
    for (const dir of this.dirs.reverse()) await rmdir(dir).catch(() => undefined);
  }
}

/**
 * Where a `file` part goes: the `path` query when given, else the part's filename taken whole,
 * folders included (E2B's envd does not reduce it to a base name).
 */
export function partPath(queryPath: string | null, filename: string | undefined): string {
  const raw = queryPath ?? filename;
  if (!raw) throw new HttpError(400, 'a file part has no filename and no path was given');
  return raw;
}

/**
 * The request body, gunzipped when it says so. Not stream.pipeline: on a gzip error it would
 * destroy the request, and with it the connection the answer has to go back on.
 */
function requestBody(req: IncomingMessage, encoding: string): NodeJS.ReadableStream {
  if (encoding !== 'gzip') return req;
  const gunzip = createGunzip();
  req.on('error', (error) => gunzip.destroy(error));
  // A bad gzip body can fail before its reader is attached (while the target's folders are
  // made); heard here, it cannot end envd, and the reader still gets it from the errored stream.
  gunzip.on('error', () => undefined);
  return req.pipe(gunzip);
}

async function upload(config: EnvdConfig, store: MetadataStore, req: IncomingMessage, res: ServerResponse, query: URLSearchParams): Promise<void> {
  checkSigning(config, req, query, 'write');
  const user = userFor(config, query);
  const metadata = uploadMetadata(req);
  const encoding = (req.headers['content-encoding'] ?? 'identity').toLowerCase().trim();
  if (encoding !== 'gzip' && encoding !== 'identity') {
    throw new HttpError(400, `unsupported Content-Encoding: ${encoding} (use gzip or identity)`);
  }
  const contentType = req.headers['content-type'] ?? '';
  const media = contentType.split(';', 1)[0].trim().toLowerCase();
  const queryPath = query.get('path');
  const batch = new UploadBatch(config, store, user, metadata);

  if (media === 'application/octet-stream') {
    if (!queryPath) throw new HttpError(400, 'path query parameter is required for raw body upload');
    try {
      await batch.stage(resolveSandboxPath(queryPath, user), requestBody(req, encoding), { inPlace: true });
      sendJson(res, 200, await batch.land());
    } catch (error) {
      await batch.discard();
      throw error;
    }
    return;
  }
  if (media.startsWith('multipart/')) {
    const boundary = multipartBoundary(contentType);
    if (!boundary) throw new HttpError(400, 'multipart upload without a valid boundary');
    const seen = new Set<string>();
    try {
      await readFormData(requestBody(req, encoding) as Readable, boundary, async (part) => {
        const path = resolveSandboxPath(partPath(queryPath, part.filename), user);
        if (queryPath && seen.has(path)) throw new HttpError(400, `you cannot upload multiple files to the same path '${path}'`);
        seen.add(path);
        await batch.stage(path, part.body);
      });
      sendJson(res, 200, await batch.land());
    } catch (error) {
      await batch.discard();
      if (error instanceof FormDataError) throw new HttpError(error.status, error.message);
      throw error;
    }
    return;
  }
  throw new HttpError(400, `unsupported content type: ${contentType || '(none)'}, expected multipart/form-data or application/octet-stream`);
}

/** Reads what is left of a request body and throws it away, unhooked from a gunzip or parser that stopped reading it. */
function drain(req: IncomingMessage): void {
  if (req.complete) return;
  req.unpipe();
  req.resume();
}

/** The `/files` route of envd. */
export function createFilesRoute(store: MetadataStore) {
  return async (req: IncomingMessage, res: ServerResponse, state: { config: EnvdConfig }): Promise<void> => {
    const query = new URL(req.url ?? '/', 'http://envd').searchParams;
    try {
      if (req.method === 'GET' || req.method === 'HEAD') await download(state.config, req, res, query);
      else if (req.method === 'POST') {
        await upload(state.config, store, req, res, query);
        // A multipart body is done at its closing delimiter; bytes after it (an epilogue, which
        // RFC 2046 says to ignore) are still unread. Left so, they would stall the connection,
        // and the next request the daemon sends on it would never be read.
        drain(req);
      } else throw new HttpError(405, `method ${req.method} not allowed on /files`);
    } catch (error) {
      if (error instanceof HttpError) {
        // Drain what is left of an upload so the client reads our answer instead of a reset.
        drain(req);
        sendEnvdError(res, error.status, error.message);
        return;
      }
      if (!res.headersSent) sendEnvdError(res, 500, errnoText(error));
      else res.destroy();
    }
  };
}
