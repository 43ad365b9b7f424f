/**
 * The envd `filesystem.Filesystem` Connect service (e2b-protocol.md §4.4). Operations run as
 * envd (root); the request's user decides how relative paths and `~` resolve and who owns what
 * gets created.
 */
import { randomBytes } from 'node:crypto';
import { type Stats, watch, type FSWatcher } from 'node:fs';
import { chown, cp, lchown, lstat, lutimes, mkdir, readdir, realpath, rename, rm, stat, statfs } from 'node:fs/promises';
import { posix } from 'node:path';
import { create, type MessageInitShape } from '@bufbuild/protobuf';
import { Code, ConnectError, type HandlerContext, type ServiceImpl } from '@connectrpc/connect';
import {
  EventType,
  FilesystemEventSchema,
  WatchDirResponseSchema,
  type EntryInfo,
  type Filesystem,
  type FilesystemEvent,
} from '../../../gen/envd/filesystem/filesystem_pb.js';
import { KEEPALIVE_PING_HEADER } from '../../../protocol/envd.js';
import type { EnvdConfig } from '../config.js';
import { errnoOf, errnoText } from '../errno.js';
import { resolveSandboxPath, toHostPath } from '../paths.js';
import { basicUserName, resolveUser, type ResolvedUser } from '../users.js';
import { entryInfo } from './entry.js';
import type { MetadataStore } from './metadata.js';
import { settled, settling, writeOperationOf } from './settling.js';
import { isUploadTemp } from './upload-temp.js';

const DEFAULT_KEEPALIVE_S = 90;

function notFound(path: string): ConnectError {
  return new ConnectError(`file not found: ${path}`, Code.NotFound);
}

/** envd answers a failed rename as an internal error naming the cause; so does this backend. */
function renameFailed(source: string, destination: string, error: unknown): ConnectError {
  // rename(2) says EINVAL for a folder moved into itself; say it the way people ask about it
  const reason = errnoOf(error) === 'EINVAL' ? 'a folder cannot move into itself' : errnoText(error);
  return new ConnectError(`error renaming ${source} to ${destination}: ${reason}`, Code.Internal);
}

/** A request's user and the sandbox and host forms of its path. */
interface Target {
  user: ResolvedUser;
  path: string;
  host: string;
}

/** Creates missing directories of `hostDir` (0755), owned by the user; returns those it made, outermost first. */
export function makeParents(hostDir: string, user: ResolvedUser): Promise<string[]> {
  return settling(() => makeParentsNow(hostDir, user));
}

/**
 * `mkdir -p` that tries each missing level once. Node's recursive mkdir retries a level whose
 * parent it believes it just made; on procfs and sysfs, where mkdir answers ENOENT under a
 * folder that exists, that retry never ends (a caller could spin envd at full CPU for ever).
 * Returns the folders it made, outermost first.
 */
export async function makeDirs(hostDir: string): Promise<string[]> {
  const missing: string[] = [];
  for (let dir = hostDir; ; dir = posix.dirname(dir)) {
    const st = await stat(dir).catch((error: unknown) => {
      if (errnoOf(error) === 'ENOENT') return undefined;
      throw error;
    });
    if (st) {
      if (!st.isDirectory()) throw Object.assign(new Error(`${dir} is not a directory`), { code: 'ENOTDIR' });
      break;
    }
    if (posix.dirname(dir) === dir) break;
    missing.unshift(dir);
  }
  const made: string[] = [];
  for (const dir of missing) {
    try {
      await mkdir(dir, { mode: 0o755 });
      made.push(dir);
    } catch (error) {
      // made meanwhile by someone else: fine, as long as it is a folder (and it stays theirs)
      if (errnoOf(error) !== 'EEXIST' || !(await stat(dir)).isDirectory()) throw error;
    }
  }
  return made;
}

/** Kernel pseudo file systems by statfs magic number. */
const PSEUDO_FS: Record<number, string> = {
  0x9fa0: 'procfs',
  0x62656572: 'sysfs',
  0x27e0eb: 'cgroupfs',
  0x63677270: 'cgroup2fs',
  0x64626720: 'debugfs',
  0x74726163: 'tracefs',
  0x73636673: 'securityfs',
  0xcafe4a11: 'bpffs',
  0x1cd1: 'devpts',
};

/** The pseudo file system holding the nearest existing folder of `path`, if it is one. */
async function pseudoFilesystem(path: string): Promise<string | undefined> {
  for (let dir = path; ; dir = posix.dirname(dir)) {
    const fs = await statfs(dir).catch(() => undefined);
    if (fs) return PSEUDO_FS[Number(fs.type)];
    if (posix.dirname(dir) === dir) return undefined;
  }
}

async function makeParentsNow(hostDir: string, user: ResolvedUser): Promise<string[]> {
  const fresh = await makeDirs(hostDir);
  if (process.getuid?.() === 0) for (const path of fresh) await chown(path, user.uid, user.gid);
  return fresh;
}

export class Watchers {
  readonly byId = new Map<string, { close(): void; drain(): FilesystemEvent[]; failure?: Error }>();
}

export function createFilesystemService(config: () => EnvdConfig, metadata: MetadataStore, watchers: Watchers): ServiceImpl<typeof Filesystem> {
  const target = (ctx: HandlerContext, path: string): Target => {
    const conf = config();
    const user = resolveUser(conf, basicUserName(ctx.requestHeader.get('authorization')));
    const resolved = resolveSandboxPath(path || '.', user);
    return { user, path: resolved, host: toHostPath(conf, resolved) };
  };
  const info = async (t: { host: string; path: string }, st?: Stats): Promise<EntryInfo> => {
    const lst = st ?? (await lstat(t.host));
    // Metadata is read through a symlink, as listxattr(2) follows it in E2B's envd.
    const file = lst.isSymbolicLink() ? await stat(t.host).catch(() => undefined) : lst;
    const metadataOf = async (st: Stats) => metadata.get(st, lst.isSymbolicLink() ? await realpath(t.host) : t.host);
    return entryInfo(config(), t.host, t.path, file?.isFile() ? await metadataOf(file) : {}, lst);
  };

  /**
   * Moves a tree across mounts as mv(1) does: copy, then remove the source. The copy keeps
   * contents and modes; owners, times and upload metadata are carried over here, so the moved
   * entries look as after a rename(2) in E2B (where /tmp and /home share one filesystem).
   */
  const moveAcross = async (source: string, destination: string): Promise<void> => {
    await cp(source, destination, { recursive: true, verbatimSymlinks: true, force: true });
    // Times are set in the middle of their millisecond: utimes takes float seconds, and this way
    // the millisecond EntryInfo reports survives the rounding.
    const keep = (ms: number) => (Math.floor(ms) + 0.5) / 1000;
    const carry = async (from: string, to: string): Promise<void> => {
      const st = await lstat(from);
      if (st.isDirectory()) for (const name of await readdir(from)) await carry(posix.join(from, name), posix.join(to, name));
      if (process.getuid?.() === 0) await lchown(to, st.uid, st.gid);
      if (st.isFile()) metadata.set(await lstat(to), metadata.get(st, from), to);
      await lutimes(to, keep(st.atimeMs), keep(st.mtimeMs));
    };
    await settling(() => carry(source, destination));
    await rm(source, { recursive: true, force: true });
  };

  /** Validates a directory to watch and returns its host path. */
  const watchable = async (ctx: HandlerContext, path: string): Promise<Target> => {
    const t = target(ctx, path);
    let st: Stats;
    try {
      st = await stat(t.host);
    } catch {
      throw notFound(t.path);
    }
    if (!st.isDirectory()) throw new ConnectError(`path is not a directory: ${t.path}`, Code.InvalidArgument);
    return t;
  };

  /**
   * Watches a directory, calling `emit` per event. fs.watch only says "rename" or "change";
   * events are classified per notification burst (see flushBatch): names appearing → CREATE,
   * disappearing → REMOVE (RENAME when its inode appeared under another name in the same burst),
   * a mode change alone → CHMOD, anything else → WRITE. Upload temporaries are left out.
   */
  const startWatch = (
    t: Target,
    opts: { recursive: boolean; includeEntry: boolean },
    emit: (ev: FilesystemEvent) => void,
    fail: (e: Error) => void,
  ): { ready: Promise<void>; close(): void } => {
    const known = new Map<string, { mode: number; mtimeMs: number; size: number; ino: number }>();
    const record = (st: Stats | undefined) => ({ mode: st?.mode ?? 0, mtimeMs: st?.mtimeMs ?? 0, size: st?.size ?? 0, ino: st?.ino ?? 0 });
    const look = async (rel: string) => lstat(posix.join(t.host, rel)).catch(() => undefined);
    let batch: Array<{ kind: string; rel: string }> = [];
    const reportedOperations = new Set<number>();
    let scheduled = false;
    let chain = Promise.resolve();
    const flushBatch = async () => {
      scheduled = false;
      const items = batch.filter((item) => item.kind !== 'upload');
      const temps = batch.filter((item) => item.kind === 'upload');
      batch = [];
      // a name envd created for the user is looked at once it is the user's
      await settled();
      // An upload temporary that went away in this burst was renamed into place (or discarded,
      // and then no name appears): the name it landed on is reported as E2B's in-place write
      // reports it, created and then written.
      let landed = false;
      for (const temp of temps) if (!(await look(temp.rel))) landed = true;
      // fs.watch's "rename" is inotify's create/delete/move: it toggles a name between absent
      // and present. Following that toggle in order (rather than looking at the end state only)
      // reports a burst like "create, write, remove" as it happened.
      const lastRename = new Map<string, number>();
      items.forEach((item, index) => {
        if (item.kind === 'rename') lastRename.set(item.rel, index);
      });
      const now = new Map<string, Stats | undefined>();
      for (const rel of new Set(items.map((i) => i.rel))) now.set(rel, await look(rel));
      const results: Array<{ rel: string; type: EventType; ino?: number }> = [];
      const createdHere = new Set<string>();
      items.forEach(({ kind, rel }, index) => {
        const before = known.get(rel);
        const st = now.get(rel);
        if (kind === 'rename') {
          if (!before) {
            results.push({ rel, type: EventType.CREATE });
            createdHere.add(rel);
            known.set(rel, record(st));
          } else if (lastRename.get(rel) === index && st) {
            // moved onto an existing name: the name stays, its content changed
            results.push({ rel, type: EventType.WRITE });
          } else {
            results.push({ rel, type: EventType.REMOVE, ino: before.ino });
            known.delete(rel);
          }
          return;
        }
        if (!before && !st) return;
        const chmodOnly = before !== undefined && st !== undefined && before.mode !== st.mode && before.mtimeMs === st.mtimeMs && before.size === st.size;
        const type = chmodOnly ? EventType.CHMOD : EventType.WRITE;
        const previous = results[results.length - 1];
        // one upload written in place is one WRITE, however many bursts its bytes came in
        const operation = type === EventType.WRITE ? writeOperationOf(posix.join(t.host, rel)) : undefined;
        if (operation) {
          // an upload written in place: one WRITE, once it is written (see writeOperation)
          if (!reportedOperations.has(operation.id)) {
            reportedOperations.add(operation.id);
            if (operation.done) results.push({ rel, type });
            else void operation.ended.then(() => (chain = chain.then(() => emitResult({ rel, type })).catch(fail)));
          }
        } else if (!(previous && previous.rel === rel && previous.type === type)) {
          // repeated modify notifications of one write come as one event
          results.push({ rel, type });
        }
        if (!before && st) known.set(rel, record(st));
      });
      for (const [rel, st] of now) if (st && known.has(rel)) known.set(rel, record(st));
      // A name that went away while its inode appeared under another name in the same burst was
      // moved; matching the inode keeps "delete one file, create another" a REMOVE.
      const appearedInodes = new Set([...createdHere].map((rel) => now.get(rel)?.ino).filter((ino): ino is number => !!ino));
      if (landed) {
        for (let i = results.length - 1; i >= 0; i--) {
          const r = results[i];
          const st = now.get(r.rel);
          if (r.type === EventType.CREATE && st?.isFile() && st.size > 0) results.splice(i + 1, 0, { rel: r.rel, type: EventType.WRITE });
        }
      }
      for (const r of results) {
        const renamedAway = r.type === EventType.REMOVE && !createdHere.has(r.rel) && !!r.ino && appearedInodes.has(r.ino);
        await emitResult({ ...r, type: renamedAway ? EventType.RENAME : r.type }, now.get(r.rel));
      }
    };
    /** Emits one classified event, with its entry when asked for (the file as it is now). */
    const emitResult = async (r: { rel: string; type: EventType }, seen?: Stats) => {
      const type = r.type;
      const withEntry = opts.includeEntry && (type === EventType.CREATE || type === EventType.WRITE || type === EventType.CHMOD);
      const st = withEntry ? (seen ?? (await look(r.rel))) : undefined;
      emit(
        create(FilesystemEventSchema, {
          name: r.rel,
          type,
          ...(withEntry && st ? { entry: await info({ host: posix.join(t.host, r.rel), path: posix.join(t.path, r.rel) }, st).catch(() => undefined) } : {}),
        }),
      );
    };
    const seed = async (dir: string, rel: string, depth: number) => {
      let names: string[];
      try {
        names = await readdir(dir);
      } catch {
        return;
      }
      for (const name of names) {
        if (isUploadTemp(name)) continue;
        const childRel = rel ? `${rel}/${name}` : name;
        const st = await look(childRel);
        if (!st) continue;
        if (!known.has(childRel)) known.set(childRel, record(st));
        if (opts.recursive && st.isDirectory() && depth < 32) await seed(posix.join(dir, name), childRel, depth + 1);
      }
    };
    const onEvent = (kind: string, rel: string) => {
      batch.push({ kind, rel });
      // One inotify read delivers a burst in the same tick; classify it as a whole, in order.
      if (!scheduled) {
        scheduled = true;
        setImmediate(() => {
          chain = chain.then(flushBatch).catch(fail);
        });
      }
    };
    // One inotify watch per folder (Node's own recursive mode on Linux misses short-lived files):
    // folders that appear get a watch of their own, folders that go away lose theirs.
    const watchers = new Map<string, FSWatcher>();
    const watchFolder = (rel: string) => {
      if (watchers.has(rel)) return;
      let watcher: FSWatcher;
      try {
        watcher = watch(rel ? posix.join(t.host, rel) : t.host, (kind, filename) => {
          if (!filename) return;
          const child = rel ? `${rel}/${filename.toString()}` : filename.toString();
          // envd's own upload temporaries are not reported (E2B has none); see flushBatch
          if (isUploadTemp(filename.toString())) {
            if (kind === 'rename') onEvent('upload', child);
            return;
          }
          onEvent(kind, child);
          if (opts.recursive && kind === 'rename') void adoptFolder(child);
        });
      } catch {
        return; // vanished before we could watch it
      }
      watcher.on('error', (error) => (rel ? watchers.get(rel)?.close() : fail(error)));
      watchers.set(rel, watcher);
    };
    /** A name appeared or went away: watch it if it is a new folder, forget it if it is gone. */
    const adoptFolder = async (rel: string) => {
      const st = await look(rel);
      if (!st) {
        for (const [path, watcher] of watchers) {
          if (path === rel || path.startsWith(`${rel}/`)) {
            watcher.close();
            watchers.delete(path);
          }
        }
        return;
      }
      if (!st.isDirectory() || watchers.has(rel)) return;
      watchFolder(rel);
      // what was created in it before its watch started
      for (const name of await readdir(posix.join(t.host, rel)).catch(() => [] as string[])) {
        if (isUploadTemp(name)) continue;
        onEvent('rename', `${rel}/${name}`);
        void adoptFolder(`${rel}/${name}`);
      }
    };
    watchFolder('');
    // Ready once every folder below is watched: the watch is answered only then, so a write made
    // right after watchDir returns is never missed (E2B's envd adds its watches before answering).
    const ready = seed(t.host, '', 0).then(() => {
      if (!opts.recursive) return;
      for (const [rel, st] of known) if ((st.mode & 0o170000) === 0o040000) watchFolder(rel);
    });
    return {
      ready,
      close: () => {
        for (const watcher of watchers.values()) watcher.close();
        watchers.clear();
      },
    };
  };

  return {
    async stat(req, ctx) {
      const t = target(ctx, req.path);
      try {
        return { entry: await info(t) };
      } catch (error) {
        if (errnoOf(error) === 'ENOENT' || errnoOf(error) === 'ENOTDIR') throw notFound(t.path);
        // Go's envd words (a loop of links, a folder it may not search); not a bare "internal error"
        throw new ConnectError(`error statting file: lstat ${t.path}: ${errnoText(error)}`, Code.Internal);
      }
    },

    async makeDir(req, ctx) {
      const t = target(ctx, req.path);
      const existing = await lstat(t.host).catch(() => undefined);
      if (existing?.isDirectory()) throw new ConnectError(`directory already exists: ${t.path}`, Code.AlreadyExists);
      if (existing) throw new ConnectError(`path already exists and is not a directory: ${t.path}`, Code.InvalidArgument);
      try {
        await makeParents(t.host, t.user);
      } catch (error) {
        if (errnoOf(error) === 'ENOTDIR' || errnoOf(error) === 'EEXIST') {
          throw new ConnectError(`a parent of ${t.path} is not a directory`, Code.InvalidArgument);
        }
        const pseudo = await pseudoFilesystem(t.host);
        const reason = pseudo ? `it is on ${pseudo}, a pseudo file system where folders cannot be made` : errnoText(error);
        throw new ConnectError(
          `error creating directory ${t.path}: ${reason}`,
          errnoOf(error) === 'EACCES' || errnoOf(error) === 'EPERM' ? Code.PermissionDenied : Code.Internal,
        );
      }
      return { entry: await info(t) };
    },

    async move(req, ctx) {
      const source = target(ctx, req.source);
      const destination = target(ctx, req.destination);
      if (!(await lstat(source.host).catch(() => undefined))) throw notFound(source.path);
      try {
        await makeParents(posix.dirname(destination.host), destination.user);
        try {
          await rename(source.host, destination.host);
        } catch (error) {
          // /home and /tmp are separate mounts inside the sandbox: move across them like mv does.
          if (errnoOf(error) !== 'EXDEV') throw error;
          await moveAcross(source.host, destination.host);
        }
      } catch (error) {
        if (error instanceof ConnectError) throw error;
        throw renameFailed(source.path, destination.path, error);
      }
      return { entry: await info(destination) };
    },

    async listDir(req, ctx) {
      const t = target(ctx, req.path);
      const depth = req.depth === 0 ? 1 : req.depth;
      let root: Stats;
      try {
        root = await stat(t.host);
      } catch (error) {
        if (errnoOf(error) === 'ELOOP') throw new ConnectError(`cyclic symlink: ${t.path}`, Code.FailedPrecondition);
        throw notFound(t.path);
      }
      if (!root.isDirectory()) throw new ConnectError(`path is not a directory: ${t.path}`, Code.InvalidArgument);
      const entries: EntryInfo[] = [];
      const walk = async (host: string, path: string, level: number): Promise<void> => {
        let names: string[];
        try {
          names = (await readdir(host)).sort();
        } catch {
          return;
        }
        for (const name of names) {
          const childHost = posix.join(host, name);
          const childPath = posix.join(path, name);
          let lst: Stats;
          try {
            lst = await lstat(childHost);
          } catch {
            continue; // vanished while we walked
          }
          entries.push(await info({ host: childHost, path: childPath }, lst));
          if (level < depth && lst.isDirectory()) await walk(childHost, childPath, level + 1);
        }
      };
      await walk(t.host, t.path, 1);
      return { entries };
    },

    async remove(req, ctx) {
      const t = target(ctx, req.path);
      await rm(t.host, { recursive: true, force: true });
      return {};
    },

    async *watchDir(req, ctx) {
      const t = await watchable(ctx, req.path);
      const queue: FilesystemEvent[] = [];
      let failure: Error | undefined;
      let wake: (() => void) | undefined;
      const watcher = startWatch(
        t,
        { recursive: req.recursive, includeEntry: req.includeEntry },
        (ev) => {
          queue.push(ev);
          wake?.();
        },
        (error) => {
          failure = error;
          wake?.();
        },
      );
      await watcher.ready;
      const raw = Number(ctx.requestHeader.get(KEEPALIVE_PING_HEADER));
      const idleMs = (Number.isFinite(raw) && raw > 0 ? raw : DEFAULT_KEEPALIVE_S) * 1000;
      const respond = (event: NonNullable<MessageInitShape<typeof WatchDirResponseSchema>['event']>) => create(WatchDirResponseSchema, { event });
      try {
        yield respond({ case: 'start', value: {} });
        for (;;) {
          const ev = queue.shift();
          if (ev) {
            yield respond({ case: 'filesystem', value: ev });
            continue;
          }
          if (failure) throw new ConnectError(`watcher failed: ${failure.message}`, Code.Internal);
          const outcome = await new Promise<'item' | 'idle' | 'aborted'>((resolve) => {
            const timer = setTimeout(() => finish('idle'), idleMs);
            const onAbort = () => finish('aborted');
            const finish = (value: 'item' | 'idle' | 'aborted') => {
              clearTimeout(timer);
              ctx.signal.removeEventListener('abort', onAbort);
              wake = undefined;
              resolve(value);
            };
            if (ctx.signal.aborted) return finish('aborted');
            wake = () => finish('item');
            ctx.signal.addEventListener('abort', onAbort, { once: true });
          });
          if (outcome === 'idle') yield respond({ case: 'keepalive', value: {} });
          if (outcome === 'aborted') {
            const reason: unknown = ctx.signal.reason;
            if (reason instanceof ConnectError && reason.code === Code.DeadlineExceeded) throw reason;
            return;
          }
        }
      } finally {
        watcher.close();
      }
    },

    async createWatcher(req, ctx) {
      const t = await watchable(ctx, req.path);
      const id = `w${randomBytes(10).toString('hex')}`;
      const buffered: FilesystemEvent[] = [];
      const entry: { close(): void; drain(): FilesystemEvent[]; failure?: Error } = {
        close: () => watcher.close(),
        drain: () => buffered.splice(0),
      };
      const watcher = startWatch(
        t,
        { recursive: req.recursive, includeEntry: req.includeEntry },
        (ev) => buffered.push(ev),
        (error) => {
          entry.failure = error;
        },
      );
      await watcher.ready;
      watchers.byId.set(id, entry);
      return { watcherId: id };
    },

    getWatcherEvents(req) {
      const watcher = watchers.byId.get(req.watcherId);
      if (!watcher) throw new ConnectError(`watcher ${req.watcherId} not found`, Code.NotFound);
      if (watcher.failure) throw new ConnectError(`watcher failed: ${watcher.failure.message}`, Code.Internal);
      return { events: watcher.drain() };
    },

    removeWatcher(req) {
      const watcher = watchers.byId.get(req.watcherId);
      if (!watcher) throw new ConnectError(`watcher ${req.watcherId} not found`, Code.NotFound);
      watcher.close();
      watchers.byId.delete(req.watcherId);
      return {};
    },
  };
}
