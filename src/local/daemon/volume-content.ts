/**
 * E2B's volume-content API (openapi-volumecontent.yml) over the local backend's volume folders:
 * `/volumecontent/{volumeID}/{path,dir,file}`, authenticated by the volume's own token
 * (`Authorization: Bearer`), never by the API key.
 *
 * Sandboxes mount volumes read-write, so a volume's files are as hostile as a sandbox's: any name
 * in them may be a symlink planted to reach the host (the daemon may run as root). Every
 * operation therefore walks the path one folder at a time, holding each folder open and never
 * following a symlink (nofollow.ts): a symlink is reported as a symlink, read and written as
 * nothing, and a path through one is refused. `..` is refused outright, so a path always names
 * something inside the volume. Metadata is changed through an opened descriptor, never by name.
 * Uploads land in a temporary file beside the target and are renamed into place when complete,
 * so a reader never sees half a file and an interrupted upload leaves nothing.
 *
 * This surface is hand-written rather than generated: its routes are few, its bodies are raw
 * bytes, and its error body differs from the control plane's (`code` is a string here).
 */
import type { WireVolumeEntry } from '../../protocol/volume-content.js';
import { randomBytes } from 'node:crypto';
import { constants, type Stats } from 'node:fs';
import { lstat, mkdir, open, readlink, rename, rmdir, unlink, type FileHandle } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { holdDir, openFileNoFollow, type HeldDir } from '../nofollow.js';
import { ApiError } from './http.js';
import type { VolumeStore } from './volumes.js';

/** The wire form of one entry (VolumeEntryStat). */
export type VolumeEntryStat = WireVolumeEntry;

const ROUTE = /^\/volumecontent\/([^/]+)\/(path|dir|file)$/;
const UPLOAD_PREFIX = '.e2b-ts-upload-';
/** Deepest listing served: deeper requests get this many levels (the spec sets no bound). */
const MAX_DEPTH = 64;
/** The sandbox's `user`: what a root daemon gives files it makes, so sandboxes can change them. */
const SANDBOX_USER_UID = 1000;
const O_NOFOLLOW = constants.O_NOFOLLOW ?? 0;
const O_NONBLOCK = constants.O_NONBLOCK ?? 0;

const STATUS_CODES: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  500: 'internal',
};

function sendError(res: ServerResponse, status: number, message: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = JSON.stringify({ code: STATUS_CODES[status] ?? String(status), message });
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/** Whether a request is for the content API (answered by {@link createVolumeContent}'s handler). */
export function isVolumeContent(rawPath: string): boolean {
  return rawPath.startsWith('/volumecontent/');
}

/** The components of a volume path; `..`, NUL and an empty path are refused. */
export function volumePathParts(raw: string | null): string[] {
  if (raw === null || raw === '') throw new ApiError(400, 'query parameter "path" is required');
  if (raw.includes('\0')) throw new ApiError(400, 'path must not contain NUL');
  const parts = raw.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.includes('..')) throw new ApiError(400, 'path must not contain ".." (a volume path names something inside the volume)');
  return parts;
}

function fsError(error: unknown, path: string): ApiError {
  const code = (error as NodeJS.ErrnoException).code;
  if (error instanceof ApiError) return error;
  if (code === 'ENOENT') return new ApiError(404, `path ${path} not found`);
  if (code === 'ENOTDIR') return new ApiError(404, `path ${path} not found (a parent is not a directory)`);
  if (code === 'ELOOP') return new ApiError(400, `path ${path} is or goes through a symlink, which the volume API does not follow`);
  if (code === 'EEXIST') return new ApiError(409, `path ${path} already exists`);
  if (code === 'ENOTEMPTY') return new ApiError(409, `directory ${path} is not empty`);
  if (code === 'EISDIR') return new ApiError(400, `path ${path} is a directory`);
  if (code === 'ENOSPC') return new ApiError(507, 'no space left for the volume');
  return new ApiError(500, (error as Error).message ?? String(error));
}

/** Holds the folder that contains the last component of `parts` (the volume's root for one part). */
function holdParent(data: string, parts: string[], create?: { uid?: number; gid?: number; mode?: number }): Promise<HeldDir> {
  return (async () => {
    let held = holdDir(data);
    for (const part of parts.slice(0, -1)) {
      let next: HeldDir;
      try {
        if (create) {
          try {
            await mkdir(held.entry(part), 0o755);
            await applyMetadata(held.entry(part), defaults(create, 0o755));
          } catch (error) {
            if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
          }
        }
        next = holdDir(held.entry(part));
      } finally {
        held.close();
      }
      held = next;
    }
    return held;
  })();
}

function kindOf(st: Stats): VolumeEntryStat['type'] {
  if (st.isSymbolicLink()) return 'symlink';
  if (st.isDirectory()) return 'directory';
  if (st.isFile()) return 'file';
  return 'unknown';
}

async function statEntry(entryPath: string, name: string, path: string): Promise<VolumeEntryStat> {
  const st = await lstat(entryPath);
  const out: VolumeEntryStat = {
    name,
    type: kindOf(st),
    path,
    size: st.size,
    mode: st.mode & 0o7777,
    uid: st.uid,
    gid: st.gid,
    atime: st.atime.toISOString(),
    mtime: st.mtime.toISOString(),
    ctime: st.ctime.toISOString(),
  };
  // the link's text only: it is never resolved
  if (st.isSymbolicLink()) out.target = await readlink(entryPath);
  return out;
}

interface Metadata {
  uid?: number;
  gid?: number;
  mode?: number;
}

/** uid/gid default to the sandbox's `user` when the daemon is root (else the daemon's own). */
function defaults(given: Metadata, mode: number): Metadata {
  const root = process.getuid?.() === 0;
  return {
    mode: given.mode ?? mode,
    ...(given.uid !== undefined ? { uid: given.uid } : root ? { uid: SANDBOX_USER_UID } : {}),
    ...(given.gid !== undefined ? { gid: given.gid } : root ? { gid: SANDBOX_USER_UID } : {}),
  };
}

/** Changes owner and mode through a descriptor opened without following a symlink. */
async function applyMetadata(entryPath: string, meta: Metadata, handle?: FileHandle): Promise<void> {
  if (meta.uid === undefined && meta.gid === undefined && meta.mode === undefined) return;
  const fh = handle ?? (await open(entryPath, constants.O_RDONLY | O_NOFOLLOW | O_NONBLOCK));
  try {
    if (meta.uid !== undefined || meta.gid !== undefined) {
      const st = await fh.stat();
      await fh.chown(meta.uid ?? st.uid, meta.gid ?? st.gid);
    }
    if (meta.mode !== undefined) await fh.chmod(meta.mode & 0o7777);
  } finally {
    if (!handle) await fh.close();
  }
}

function uint32(raw: string | null, name: string): number | undefined {
  if (raw === null) return undefined;
  if (!/^\d+$/.test(raw) || Number(raw) > 0xffffffff) throw new ApiError(400, `parameter "${name}" must be an unsigned 32-bit integer`);
  return Number(raw);
}

function bool(raw: string | null, name: string): boolean {
  if (raw === null) return false;
  if (raw !== 'true' && raw !== 'false') throw new ApiError(400, `parameter "${name}" must be true or false`);
  return raw === 'true';
}

function metadataQuery(query: URLSearchParams): Metadata {
  const out: Metadata = {};
  const uid = uint32(query.get('uid'), 'uid');
  const gid = uint32(query.get('gid'), 'gid');
  const mode = uint32(query.get('mode'), 'mode');
  if (uid !== undefined) out.uid = uid;
  if (gid !== undefined) out.gid = gid;
  if (mode !== undefined) out.mode = mode;
  return out;
}

async function readSmallBody(req: IncomingMessage, limit = 64 * 1024): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new ApiError(400, 'request body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Removes a file, symlink or folder tree, never following a symlink planted anywhere in it. */
async function removeEntry(dir: HeldDir, name: string): Promise<void> {
  try {
    await unlink(dir.entry(name));
    return;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EPERM') throw error;
  }
  const sub = holdDir(dir.entry(name));
  try {
    for (const child of await sub.names()) await removeEntry(sub, child);
  } finally {
    sub.close();
  }
  await rmdir(dir.entry(name));
}

async function listInto(held: HeldDir, base: string, depth: number, out: VolumeEntryStat[]): Promise<void> {
  for (const name of (await held.names()).sort()) {
    if (name.startsWith(UPLOAD_PREFIX)) continue;
    const path = `${base === '/' ? '' : base}/${name}`;
    let entry: VolumeEntryStat;
    try {
      entry = await statEntry(held.entry(name), name, path);
    } catch {
      continue; // gone while listed
    }
    out.push(entry);
    if (entry.type === 'directory' && depth > 1) {
      let sub: HeldDir;
      try {
        sub = holdDir(held.entry(name));
      } catch {
        continue; // replaced by something else meanwhile
      }
      try {
        await listInto(sub, path, depth - 1, out);
      } finally {
        sub.close();
      }
    }
  }
}

/** The content API's handler: answers any `/volumecontent/...` request. */
export function createVolumeContent(volumes: VolumeStore): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  return async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://local');
    const rawPath = (req.url ?? '/').split('?')[0];
    try {
      const match = ROUTE.exec(rawPath);
      if (!match) throw new ApiError(404, `no such endpoint: ${req.method} ${url.pathname}`);
      let id: string;
      try {
        id = decodeURIComponent(match[1]);
      } catch {
        throw new ApiError(400, 'invalid volume ID');
      }
      const auth = req.headers.authorization;
      const token = typeof auth === 'string' && auth.startsWith('Bearer ') ? auth.slice(7).trim() : undefined;
      // The token first: without one, a caller learns nothing, not even whether a volume exists.
      if (!token) throw new ApiError(401, 'missing volume token (Authorization: Bearer <token>)');
      if (!volumes.verify(token, id)) throw new ApiError(401, 'invalid or expired volume token');
      if (!volumes.get(id)) throw new ApiError(404, `volume ${id} not found`);
      const data = volumes.dataDir(id);
      const kind = match[2];
      const method = req.method ?? 'GET';
      const query = url.searchParams;
      const raw = query.get('path');
      const parts = volumePathParts(raw);
      const shown = `/${parts.join('/')}`;
      const name = parts[parts.length - 1];
      const allowed: Record<string, string[]> = { path: ['GET', 'PATCH', 'DELETE'], dir: ['GET', 'POST'], file: ['GET', 'PUT'] };
      if (!allowed[kind].includes(method)) throw new ApiError(405, `method ${method} not allowed on ${url.pathname}`);

      if (kind === 'path' && method === 'GET') {
        if (!name) return sendJson(res, 200, await statEntry(data, '', '/'));
        const parent = await holdParent(data, parts).catch((e: unknown) => Promise.reject(fsError(e, shown)));
        try {
          return sendJson(res, 200, await statEntry(parent.entry(name), name, shown));
        } catch (error) {
          throw fsError(error, shown);
        } finally {
          parent.close();
        }
      }

      if (kind === 'path' && method === 'PATCH') {
        const text = await readSmallBody(req);
        let body: unknown;
        try {
          body = JSON.parse(text);
        } catch {
          throw new ApiError(400, 'request body must be JSON {"uid"?, "gid"?, "mode"?}');
        }
        if (!body || typeof body !== 'object' || Array.isArray(body)) throw new ApiError(400, 'request body must be a JSON object');
        const meta: Metadata = {};
        for (const key of ['uid', 'gid', 'mode'] as const) {
          const value = (body as Record<string, unknown>)[key];
          if (value === undefined || value === null) continue;
          if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 0xffffffff)
            throw new ApiError(400, `"${key}" must be an unsigned 32-bit integer`);
          meta[key] = value;
        }
        if (!name) {
          await applyMetadata(data, meta).catch((e: unknown) => Promise.reject(fsError(e, shown)));
          return sendJson(res, 200, await statEntry(data, '', '/'));
        }
        const parent = await holdParent(data, parts).catch((e: unknown) => Promise.reject(fsError(e, shown)));
        try {
          await applyMetadata(parent.entry(name), meta);
          return sendJson(res, 200, await statEntry(parent.entry(name), name, shown));
        } catch (error) {
          throw fsError(error, shown);
        } finally {
          parent.close();
        }
      }

      if (kind === 'path' && method === 'DELETE') {
        if (!name) throw new ApiError(400, "the volume's root cannot be removed (destroy the volume instead)");
        const parent = await holdParent(data, parts).catch((e: unknown) => Promise.reject(fsError(e, shown)));
        try {
          await removeEntry(parent, name);
        } catch (error) {
          throw fsError(error, shown);
        } finally {
          parent.close();
        }
        res.writeHead(204).end();
        return;
      }

      if (kind === 'dir' && method === 'GET') {
        const depthRaw = uint32(query.get('depth'), 'depth');
        const depth = Math.min(Math.max(depthRaw ?? 1, 1), MAX_DEPTH);
        let dir: HeldDir;
        if (!name) dir = holdDir(data);
        else {
          const parent = await holdParent(data, parts).catch((e: unknown) => Promise.reject(fsError(e, shown)));
          try {
            dir = holdDir(parent.entry(name));
          } catch (error) {
            const code = (error as NodeJS.ErrnoException).code;
            throw code === 'ENOTDIR' ? new ApiError(400, `path ${shown} is not a directory`) : fsError(error, shown);
          } finally {
            parent.close();
          }
        }
        try {
          const out: VolumeEntryStat[] = [];
          await listInto(dir, shown, depth, out);
          return sendJson(res, 200, out);
        } finally {
          dir.close();
        }
      }

      if (kind === 'dir' && method === 'POST') {
        const meta = metadataQuery(query);
        const force = bool(query.get('force'), 'force');
        if (!name) {
          if (!force) throw new ApiError(409, 'path / already exists');
          return sendJson(res, 201, await statEntry(data, '', '/'));
        }
        const parent = await holdParent(data, parts, force ? meta : undefined).catch((e: unknown) => Promise.reject(fsError(e, shown)));
        try {
          try {
            await mkdir(parent.entry(name), 0o755);
          } catch (error) {
            const st = (error as NodeJS.ErrnoException).code === 'EEXIST' ? await lstat(parent.entry(name)) : undefined;
            if (!(force && st?.isDirectory())) throw error;
            return sendJson(res, 201, await statEntry(parent.entry(name), name, shown));
          }
          await applyMetadata(parent.entry(name), defaults(meta, 0o755));
          return sendJson(res, 201, await statEntry(parent.entry(name), name, shown));
        } catch (error) {
          throw fsError(error, shown);
        } finally {
          parent.close();
        }
      }

      if (kind === 'file' && method === 'GET') {
        if (!name) throw new ApiError(400, 'path / is a directory');
        const parent = await holdParent(data, parts).catch((e: unknown) => Promise.reject(fsError(e, shown)));
        let file: { handle: FileHandle; path: string };
        try {
          file = await openFileNoFollow(parent.entry(name));
        } catch (error) {
          const code = (error as NodeJS.ErrnoException).code;
          throw code === 'EINVAL' ? new ApiError(400, `path ${shown} is not a regular file`) : fsError(error, shown);
        } finally {
          parent.close();
        }
        let st: Stats;
        try {
          st = await file.handle.stat();
        } catch (error) {
          await file.handle.close();
          throw error;
        }
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': st.size });
        if (st.size === 0) {
          await file.handle.close();
          res.end();
          return;
        }
        // the stream closes the handle; only the bytes there were at open time are sent
        await pipeline(file.handle.createReadStream({ start: 0, end: st.size - 1 }), res).catch(() => res.destroy());
        return;
      }

      if (kind === 'file' && method === 'PUT') {
        if (!name) throw new ApiError(400, 'path / is a directory');
        if (name.startsWith(UPLOAD_PREFIX)) throw new ApiError(400, `names starting with ${UPLOAD_PREFIX} are reserved`);
        const meta = metadataQuery(query);
        const force = bool(query.get('force'), 'force');
        const parent = await holdParent(data, parts).catch((e: unknown) => Promise.reject(fsError(e, shown)));
        const temp = `${UPLOAD_PREFIX}${randomBytes(8).toString('hex')}`;
        let placed = false;
        try {
          const existing = await lstat(parent.entry(name)).catch(() => undefined);
          if (existing?.isDirectory()) throw new ApiError(400, `path ${shown} is a directory`);
          if (existing && !force) throw new ApiError(409, `path ${shown} already exists (force overwrites it)`);
          const handle = await open(parent.entry(temp), constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | O_NOFOLLOW, 0o600);
          try {
            await applyMetadata(parent.entry(temp), defaults(meta, 0o644), handle);
          } catch (error) {
            await handle.close();
            throw error;
          }
          // the stream closes the handle, whether the body arrives whole or not
          await pipeline(req, handle.createWriteStream());
          const now = await lstat(parent.entry(name)).catch(() => undefined);
          if (now?.isDirectory()) throw new ApiError(400, `path ${shown} is a directory`);
          if (now && !force) throw new ApiError(409, `path ${shown} already exists (force overwrites it)`);
          await rename(parent.entry(temp), parent.entry(name));
          placed = true;
          return sendJson(res, 201, await statEntry(parent.entry(name), name, shown));
        } catch (error) {
          throw fsError(error, shown);
        } finally {
          if (!placed) await unlink(parent.entry(temp)).catch(() => {});
          parent.close();
        }
      }
      throw new ApiError(405, `method ${method} not allowed on ${url.pathname}`);
    } catch (error) {
      const e = error instanceof ApiError ? error : fsError(error, '');
      // a refused upload's body is not read: the connection cannot carry another request
      if (!req.complete) res.setHeader('connection', 'close');
      sendError(res, e.status, e.message);
    }
  };
}
