/**
 * Trees as tar streams, both ways, for `fs cp`:
 *
 * - packTree: a local tree (walked without following any symlink) into a tar stream, hashing
 *   every file on the way so the far side can be verified.
 * - extractSafely: a tar stream from a sandbox (which may be hostile) into a fresh folder: no
 *   entry may leave it (no absolute names, no `..`, no writing through a symlink), no symlink
 *   may lead outside it (resolved through the links already there; one that depends on entries
 *   still to come waits for the whole tree; all are checked again at the end), no device files,
 *   no set-id bits. Refused entries are reported, never written (or, for a link that the rest of
 *   the tree made lead outside, removed).
 */
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { chmodSync, createReadStream, createWriteStream, linkSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, realpathSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { chmod, mkdir, utimes } from 'node:fs/promises';
import { basename, join, sep } from 'node:path';
import { PassThrough, Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Header } from 'tar-stream';

type TarModule = typeof import('tar-stream');
/** tar-stream, loaded on first use (it is CommonJS: its API may sit on `default`). */
async function loadTar(): Promise<TarModule> {
  const mod = (await import('tar-stream')) as TarModule & { default?: TarModule };
  return mod.default ?? mod;
}

/** One entry of a tree, named relative to the tree's parent (`name/sub/file`). */
export interface TreeEntry {
  rel: string;
  type: 'file' | 'dir' | 'symlink';
  mode: number;
  size: number;
  mtime: Date;
  linkTarget?: string;
  /** Where it is on this machine. */
  hostPath: string;
}

/** Files up to this size are read and written whole (one call each) rather than streamed. */
const SMALL_FILE = 256 * 1024;

/** Size and SHA-256 of a file, by its name relative to the tree's parent. */
export type Digests = Map<string, { size: number; sha256: string }>;

/** Entries the walk handles between turns of the event loop (so Ctrl-C is still heard). */
const WALK_BATCH = 512;

/**
 * Walks a local file or folder without following symlinks; parents come before children.
 * Synchronous calls, a turn of the event loop every WALK_BATCH entries: an lstat is a few
 * microseconds, a round trip through libuv's thread pool far more (measured here: 0.4 s for
 * 5,000 files async, a tenth of that sync).
 */
export async function walkLocal(root: string): Promise<TreeEntry[]> {
  const out: TreeEntry[] = [];
  const visit = async (hostPath: string, rel: string) => {
    if (out.length % WALK_BATCH === WALK_BATCH - 1) await new Promise((resolve) => setImmediate(resolve));
    const st = lstatSync(hostPath);
    const base = { rel, mode: st.mode & 0o7777, mtime: st.mtime, hostPath };
    if (st.isSymbolicLink()) {
      out.push({ ...base, type: 'symlink', size: 0, linkTarget: readlinkSync(hostPath) });
    } else if (st.isDirectory()) {
      out.push({ ...base, type: 'dir', size: 0 });
      for (const name of readdirSync(hostPath).sort()) await visit(join(hostPath, name), `${rel}/${name}`);
    } else if (st.isFile()) {
      out.push({ ...base, type: 'file', size: st.size });
    }
    // sockets, FIFOs and devices are not copied
  };
  await visit(root, basename(root));
  return out;
}

/** A transform that hashes and counts what passes through it. */
export function hashing(onDone: (digest: { size: number; sha256: string }) => void, onBytes?: (n: number) => void): Transform {
  const hash = createHash('sha256');
  let size = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      size += chunk.length;
      onBytes?.(chunk.length);
      callback(null, chunk);
    },
    flush(callback) {
      onDone({ size, sha256: hash.digest('hex') });
      callback();
    },
  });
}

/**
 * Packs entries (renamed with `rename`, e.g. to strip or add a prefix) into a tar stream.
 * Digests of files are filled in as they are read.
 */
export async function packTree(entries: TreeEntry[], digests: Digests, onBytes?: (n: number) => void, rename: (rel: string) => string = (r) => r): Promise<Readable> {
  const tar = await loadTar();
  const pack = tar.pack();
  void (async () => {
    try {
      for (const entry of entries) {
        const name = rename(entry.rel);
        const header: Partial<Header> & { name: string } = { name, mode: entry.mode, mtime: entry.mtime, type: entry.type === 'dir' ? 'directory' : entry.type === 'symlink' ? 'symlink' : 'file' };
        if (entry.type === 'symlink') {
          await new Promise<void>((resolve, reject) => pack.entry({ ...header, linkname: entry.linkTarget ?? '' }, (e) => (e ? reject(e) : resolve())));
        } else if (entry.type === 'dir') {
          await new Promise<void>((resolve, reject) => pack.entry(header, (e) => (e ? reject(e) : resolve())));
        } else if (entry.size <= SMALL_FILE) {
          // one synchronous read: four thread-pool round trips per small file would dominate
          const data = readFileSync(entry.hostPath);
          digests.set(name, { size: data.length, sha256: createHash('sha256').update(data).digest('hex') });
          onBytes?.(data.length);
          await new Promise<void>((resolve, reject) => pack.entry({ ...header, size: data.length }, data, (e) => (e ? reject(e) : resolve())));
        } else {
          await new Promise<void>((resolve, reject) => {
            const sink = pack.entry({ ...header, size: entry.size }, (e) => (e ? reject(e) : resolve()));
            pipeline(
              createReadStream(entry.hostPath),
              hashing((d) => digests.set(name, d), onBytes),
              sink as unknown as NodeJS.WritableStream,
            ).catch(reject);
          });
        }
      }
      pack.finalize();
    } catch (error) {
      pack.destroy(error as Error);
    }
  })();
  return pack as unknown as Readable;
}

/** Why an entry name is refused, or undefined when it is a safe relative name. */
export function unsafeName(name: string): string | undefined {
  if (name.includes('\0')) return 'contains a NUL byte';
  if (name.startsWith('/') || /^[A-Za-z]:/.test(name)) return 'is an absolute path';
  const parts = name.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.length === 0) return 'is empty';
  if (parts.includes('..')) return 'contains ".."';
  if (name.includes('\\') && sep === '\\') return 'contains a backslash';
  return undefined;
}

/** Components of a relative path, without the empty and `.` ones. */
const components = (path: string) => path.split('/').filter((p) => p !== '' && p !== '.');

/** Why a symlink target is refused before any resolution, or undefined. */
function unsafeLinkTarget(target: string): string | undefined {
  if (target === '') return 'is empty';
  if (target.includes('\0')) return 'contains a NUL byte';
  if (target.startsWith('/') || /^[A-Za-z]:/.test(target)) return 'is an absolute path';
  // Windows reads a backslash as a separator, which the resolution below would not see.
  if (target.includes('\\') && sep === '\\') return 'contains a backslash';
  return undefined;
}

/** Symlinks followed in one resolution before giving up, as Linux (MAXSYMLINKS). */
const MAX_HOPS = 40;
/** Path components walked in one resolution: far above any real tree, low enough that a crafted one cannot stall the copy. */
const MAX_STEPS = 4096;

type Kind = 'dir' | 'file' | 'symlink';

/** Why a symlink is refused; `undecided` when entries still to come may settle it (by making a missing component). */
interface LinkProblem {
  reason: string;
  undecided?: true;
}

/**
 * What an extraction has made so far. Its folder is fresh and only the extraction writes to it,
 * so this is exactly what exists there: links are checked against it without a syscall.
 */
class ExtractedTree {
  readonly kinds = new Map<string, Kind>([['', 'dir']]);
  /** Symlinks made, by path: their target and the entry name they came from. */
  readonly links = new Map<string, { target: string; name: string }>();

  /** @param rootDepth components at the top that links may not climb above (1: the copied folder, not its parent). */
  constructor(readonly rootDepth = 0) {}

  /**
   * Why a symlink at `rel` to `target` could lead outside the root, or undefined when it cannot.
   * Resolves the way the kernel would, component by component, through the symlinks made so
   * far. Stricter than the kernel where other entries could change the answer: a `..` after a
   * component that does not exist is a problem until that component exists (undecided: it may
   * still come, as a folder or as a link), and going through a file as if it were a folder is
   * one for good.
   */
  linkProblem(rel: string, target: string): LinkProblem | undefined {
    const unsafe = unsafeLinkTarget(target);
    if (unsafe) return { reason: unsafe };
    const at = components(rel).slice(0, -1);
    if (at.length < this.rootDepth) return { reason: 'is the copied folder itself' };
    const pending = components(target).reverse();
    let missing: string | undefined;
    let hops = 0;
    for (let steps = 0; pending.length > 0; steps++) {
      if (steps > MAX_STEPS) return { reason: 'takes too many steps to resolve' };
      const part = pending.pop()!;
      if (part === '..') {
        if (missing !== undefined) return { reason: `uses ".." after ${missing}, which does not exist`, undecided: true };
        if (at.length <= this.rootDepth) return { reason: 'climbs out of the destination' };
        at.pop();
        continue;
      }
      at.push(part);
      if (missing !== undefined) continue;
      const path = at.join('/');
      // resolving the link would need the link itself: once made, it could never resolve
      if (path === rel) return { reason: 'is a symlink loop' };
      const kind = this.kinds.get(path);
      if (kind === undefined) missing = path;
      else if (kind === 'file' && pending.length > 0) return { reason: `goes through ${path}, a file, as if it were a folder` };
      else if (kind === 'symlink') {
        if (++hops > MAX_HOPS) return { reason: 'is a symlink loop (or a chain of too many links)' };
        // every link made passed this check, so its target is relative: it continues from the link's folder
        at.pop();
        pending.push(...components(this.links.get(path)!.target).reverse());
      }
    }
    return undefined;
  }
}

export interface ExtractOptions {
  /** Called with the size of each piece of file data written. */
  onBytes?: (n: number) => void;
  /**
   * The top-level name every entry must be under, and that links may not climb above: a
   * download's folder is moved into place without the folder it was extracted into.
   * @default none: anything inside dest
   */
  root?: string;
}

export interface ExtractResult {
  digests: Digests;
  /** Entries that were refused, with the reason. */
  refused: Array<{ name: string; reason: string }>;
}

/**
 * Extracts a tar stream into `dest` (a fresh folder), never writing outside it, and leaves no
 * symlink there that leads outside it. Directory modes are applied last, so read-only folders
 * can still be filled. Hostile entries are refused (reported in the result), not thrown: it
 * rejects only when the stream fails or is not a tar archive (tar-stream's parse errors), and
 * what it wrote until then is inside `dest` all the same.
 */
export async function extractSafely(input: Readable, dest: string, opts: ExtractOptions = {}): Promise<ExtractResult> {
  const { onBytes, root } = opts;
  const tar = await loadTar();
  const extract = tar.extract();
  const digests: Digests = new Map();
  const refused: ExtractResult['refused'] = [];
  const dirModes: Array<{ path: string; mode: number; mtime?: Date }> = [];
  await mkdir(dest, { recursive: true });
  const tree = new ExtractedTree(root === undefined ? 0 : 1);
  const made = tree.kinds;
  // Links that wait for the whole tree: what they lead to depends on entries still to come.
  const deferred: DeferredLink[] = [];

  /** Makes the parent folders of `rel`; false if one of them is a symlink or a file. */
  const parentsAreFolders = (rel: string): boolean => {
    const parts = rel.split('/').slice(0, -1);
    let sofar = '';
    for (const part of parts) {
      sofar = sofar ? `${sofar}/${part}` : part;
      const kind = made.get(sofar);
      if (kind === undefined) {
        mkdirSync(join(dest, ...sofar.split('/')));
        made.set(sofar, 'dir');
      } else if (kind !== 'dir') return false;
    }
    return true;
  };
  const remove = (rel: string, target: string) => {
    if (made.has(rel)) rmSync(target, { force: true });
    made.delete(rel);
  };

  const feeding = pipeline(input, extract as unknown as NodeJS.WritableStream).catch((error: unknown) => {
    extract.destroy(error as Error);
  });
  for await (const entry of extract) {
    const header = entry.header;
    const raw = header.name;
    const badName = unsafeName(raw);
    const rel = components(raw).join('/');
    const drain = () => entry.resume();
    const refuse = (reason: string) => {
      refused.push({ name: raw, reason });
      drain();
    };
    if (badName) {
      refuse(`the name ${badName}`);
      continue;
    }
    if (root !== undefined && rel !== root && !rel.startsWith(`${root}/`)) {
      refuse(`it is not inside ${root}, the folder being copied`);
      continue;
    }
    const target = join(dest, ...rel.split('/'));
    if (!parentsAreFolders(rel)) {
      refuse('a parent folder is a symlink or a file');
      continue;
    }
    const existing = made.get(rel);
    // Links made earlier were checked against this name as a link: another kind of entry here would change where they lead.
    if (existing === 'symlink') {
      refuse('a symlink of that name already came first');
      continue;
    }
    switch (header.type) {
      case 'directory': {
        if (existing !== 'dir') {
          remove(rel, target);
          mkdirSync(target);
          made.set(rel, 'dir');
        }
        dirModes.push({ path: target, mode: (header.mode ?? 0o755) & 0o1777, ...(header.mtime ? { mtime: header.mtime } : {}) });
        drain();
        break;
      }
      case 'symlink': {
        const link = header.linkname ?? '';
        if (existing === 'dir') {
          refuse('a folder of that name already came first');
          break;
        }
        const why = tree.linkProblem(rel, link);
        if (why && !why.undecided) {
          refuse(`symlink to ${link} ${why.reason}`);
          break;
        }
        remove(rel, target);
        if (why) {
          deferred.push({ rel, target: link, name: raw, reason: why.reason });
          drain();
          break;
        }
        symlinkSync(link, target);
        made.set(rel, 'symlink');
        tree.links.set(rel, { target: link, name: raw });
        drain();
        break;
      }
      case 'file':
      case 'contiguous-file': {
        if (existing === 'dir') {
          refuse('a folder of that name already came first');
          break;
        }
        remove(rel, target);
        const mode = (header.mode ?? 0o644) & 0o1777;
        if ((header.size ?? 0) <= SMALL_FILE) {
          // Small files in one synchronous write: many small files are the slow case otherwise.
          const chunks: Buffer[] = [];
          for await (const chunk of entry) chunks.push(chunk as Buffer);
          const data = Buffer.concat(chunks);
          writeFileSync(target, data, { flag: 'wx', mode: 0o600 });
          digests.set(rel, { size: data.length, sha256: createHash('sha256').update(data).digest('hex') });
          onBytes?.(data.length);
          chmodSync(target, mode);
          if (header.mtime) utimesSync(target, header.mtime, header.mtime);
        } else {
          const sink = createWriteStream(target, { flags: 'wx', mode: 0o600 });
          try {
            await pipeline(entry, hashing((d) => digests.set(rel, d), onBytes), sink);
          } catch (error) {
            // A truncated archive fails the pipeline while the file may still be opening; it
            // would be created after this rejects, under the caller's clean-up of dest.
            if (!sink.closed) await once(sink, 'close');
            throw error;
          }
          await chmod(target, mode);
          if (header.mtime) await utimes(target, header.mtime, header.mtime);
        }
        made.set(rel, 'file');
        break;
      }
      case 'link': {
        // A hard link to a file that came earlier in the archive: link the same file here.
        const source = header.linkname ?? '';
        const sourceRel = components(source).join('/');
        if (unsafeName(source) || made.get(sourceRel) !== 'file' || existing === 'dir') {
          refuse(`hard link to ${source}, which is not a file of this copy`);
          break;
        }
        // Replacing the file by a link to itself would remove the only copy before linking it.
        if (sourceRel === rel) {
          refuse('hard link to itself');
          break;
        }
        remove(rel, target);
        linkSync(join(dest, ...sourceRel.split('/')), target);
        made.set(rel, 'file');
        const digest = digests.get(sourceRel);
        if (digest) digests.set(rel, digest);
        drain();
        break;
      }
      default:
        refuse(`entries of type ${header.type} are not copied`);
    }
  }
  await feeding;
  if (deferred.length > 0) refused.push(...placeDeferredLinks(tree, dest, deferred));
  if (tree.links.size > 0) refused.push(...dropEscapingLinks(tree, dest, root));
  for (const dir of dirModes.reverse()) {
    chmodSync(dir.path, dir.mode);
    if (dir.mtime) utimesSync(dir.path, dir.mtime, dir.mtime);
  }
  return { digests, refused };
}

interface DeferredLink {
  rel: string;
  target: string;
  /** The entry's name in the archive. */
  name: string;
  /** Why it could not be made when it came. */
  reason: string;
}

/**
 * Makes the links that had to wait for the whole tree (`x -> y/../z` before `y` came), each
 * once it is known to stay inside; again until a round makes none, as one link can settle
 * another. What is left, or now refused outright, is reported.
 */
function placeDeferredLinks(tree: ExtractedTree, dest: string, deferred: DeferredLink[]): ExtractResult['refused'] {
  const refused: ExtractResult['refused'] = [];
  let waiting = deferred;
  for (let placed = true; placed && waiting.length > 0; ) {
    placed = false;
    const next: DeferredLink[] = [];
    for (const link of waiting) {
      if (tree.kinds.has(link.rel)) {
        refused.push({ name: link.name, reason: `symlink to ${link.target}: a later entry of that name came` });
        continue;
      }
      const problem = tree.linkProblem(link.rel, link.target);
      if (problem?.undecided) next.push({ ...link, reason: problem.reason });
      else if (problem) refused.push({ name: link.name, reason: `symlink to ${link.target} ${problem.reason}` });
      else {
        symlinkSync(link.target, join(dest, ...link.rel.split('/')));
        tree.kinds.set(link.rel, 'symlink');
        tree.links.set(link.rel, { target: link.target, name: link.name });
        placed = true;
      }
    }
    waiting = next;
  }
  for (const link of waiting) refused.push({ name: link.name, reason: `symlink to ${link.target} ${link.reason}` });
  return refused;
}

/**
 * Checks every symlink again against the whole tree, as later entries may have changed where an
 * earlier one leads, and removes those that could now lead outside; again until none is
 * removed. Then asks the filesystem where each remaining link really resolves, in case it
 * differs from the tree as recorded (a case-insensitive filesystem, say).
 */
function dropEscapingLinks(tree: ExtractedTree, dest: string, root: string | undefined): ExtractResult['refused'] {
  const dropped: ExtractResult['refused'] = [];
  const drop = (rel: string, reason: string) => {
    const link = tree.links.get(rel)!;
    rmSync(join(dest, ...rel.split('/')), { force: true });
    tree.kinds.delete(rel);
    tree.links.delete(rel);
    dropped.push({ name: link.name, reason: `symlink to ${link.target} ${reason}` });
  };
  for (let again = true; again; ) {
    again = false;
    for (const [rel, link] of tree.links) {
      const problem = tree.linkProblem(rel, link.target);
      if (problem) {
        drop(rel, `${problem.reason} once the whole folder arrived`);
        again = true;
      }
    }
  }
  const top = realpathSync.native(root === undefined ? dest : join(dest, root));
  for (const rel of [...tree.links.keys()]) {
    let real: string;
    try {
      real = realpathSync.native(join(dest, ...rel.split('/')));
    } catch {
      continue; // dangling: checked above against the tree, nothing on disk to follow
    }
    if (real !== top && !real.startsWith(top + sep)) drop(rel, `resolves to ${real}, outside the destination`);
  }
  return dropped;
}

/** A pass-through that also feeds a tar parser, collecting digests of what went by. */
export async function digestTarStream(input: Readable): Promise<{ output: Readable; digests: Promise<Digests> }> {
  const tar = await loadTar();
  const extract = tar.extract();
  const output = new PassThrough();
  const digests: Digests = new Map();
  const done = (async () => {
    for await (const entry of extract) {
      const rel = entry.header.name.split('/').filter((p) => p !== '' && p !== '.').join('/');
      if (entry.header.type === 'file' || entry.header.type === 'contiguous-file') {
        await pipeline(entry, hashing((d) => digests.set(rel, d)), new PassThrough().resume());
      } else entry.resume();
    }
    return digests;
  })();
  input.on('data', (chunk: Buffer) => {
    extract.write(chunk);
    if (!output.write(chunk)) {
      input.pause();
      output.once('drain', () => input.resume());
    }
  });
  input.on('end', () => {
    (extract as unknown as NodeJS.WritableStream).end();
    output.end();
  });
  input.on('error', (error) => {
    output.destroy(error);
    extract.destroy(error);
  });
  return { output, digests: done };
}
