/**
 * Trees as tar streams, both ways, for `fs cp`:
 *
 * - packTree: a local tree (walked without following any symlink) into a tar stream, hashing
 *   every file on the way so the far side can be verified; modes and link targets as the
 *   sandbox (POSIX) must see them, whatever this machine's platform (see platform.ts).
 * - extractSafely: a tar stream from a sandbox (which may be hostile) into a fresh folder: no
 *   entry may leave it (no absolute names, no `..`, no writing through a symlink), no name or
 *   link target the landing platform reads otherwise (on Windows: `\`, drives, UNC paths, device
 *   names, reserved characters), no symlink may lead outside it (resolved through the links
 *   already there; one that depends on entries still to come waits for the whole tree; all are
 *   checked again at the end), no device files, no set-id bits. Refused entries are reported,
 *   never written (or, for a link that the rest of the tree made lead outside, removed). Names a
 *   case-insensitive destination would take for one are reported, not written; symlinks the
 *   platform cannot make are copied, left out or fail the copy, as asked.
 */
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import {
  chmodSync,
  copyFileSync,
  createReadStream,
  createWriteStream,
  linkSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { chmod, mkdir, utimes } from 'node:fs/promises';
import { basename, join, sep } from 'node:path';
import { PassThrough, Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Header } from 'tar-stream';
import { CopyError } from '../errors.js';
import {
  badLinkTarget,
  badName,
  CaseIndex,
  hostPlatform,
  uploadLinkTarget,
  uploadMode,
  type CaseCollision,
  type FsPlatform,
  type LinkPolicy,
} from './platform.js';

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

export interface WalkOptions {
  /**
   * The platform of this machine, whose modes and link targets are mapped to what the sandbox
   * (POSIX) must see (see uploadMode, uploadLinkTarget). @default this machine's
   */
  platform?: FsPlatform;
  /** Receives the links that cannot be uploaded (a junction out of the tree, say), with why. */
  refused?: Array<{ name: string; reason: string }>;
}

/**
 * Walks a local file or folder without following symlinks; parents come before children.
 * Synchronous calls, a turn of the event loop every WALK_BATCH entries: an lstat is a few
 * microseconds, a round trip through libuv's thread pool far more (measured here: 0.4 s for
 * 5,000 files async, a tenth of that sync).
 */
export async function walkLocal(root: string, opts: WalkOptions = {}): Promise<TreeEntry[]> {
  const platform = opts.platform ?? hostPlatform();
  const out: TreeEntry[] = [];
  const visit = async (hostPath: string, rel: string) => {
    if (out.length % WALK_BATCH === WALK_BATCH - 1) await new Promise((resolve) => setImmediate(resolve));
    const st = lstatSync(hostPath);
    const base = { rel, mtime: st.mtime, hostPath };
    if (st.isSymbolicLink()) {
      const link = uploadLinkTarget(platform, root, hostPath, readlinkSync(hostPath));
      if ('refused' in link) opts.refused?.push({ name: hostPath, reason: `a symlink that ${link.refused}` });
      else out.push({ ...base, mode: 0o777, type: 'symlink', size: 0, linkTarget: link.target });
    } else if (st.isDirectory()) {
      out.push({ ...base, mode: uploadMode(platform, 'dir', st.mode), type: 'dir', size: 0 });
      for (const name of readdirSync(hostPath).sort()) await visit(join(hostPath, name), `${rel}/${name}`);
    } else if (st.isFile()) {
      out.push({ ...base, mode: uploadMode(platform, 'file', st.mode), type: 'file', size: st.size });
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
export async function packTree(
  entries: TreeEntry[],
  digests: Digests,
  onBytes?: (n: number) => void,
  rename: (rel: string) => string = (r) => r,
): Promise<Readable> {
  const tar = await loadTar();
  const pack = tar.pack();
  void (async () => {
    try {
      for (const entry of entries) {
        const name = rename(entry.rel);
        const header: Partial<Header> & { name: string } = {
          name,
          mode: entry.mode,
          mtime: entry.mtime,
          type: entry.type === 'dir' ? 'directory' : entry.type === 'symlink' ? 'symlink' : 'file',
        };
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

/** Components of a relative path, without the empty and `.` ones. */
const components = (path: string) => path.split('/').filter((p) => p !== '' && p !== '.');

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
 * Symlinks are recorded here as they come and made on disk only once the whole tree is there
 * (see makeLinks), so nothing is ever written through one.
 */
class ExtractedTree {
  readonly kinds = new Map<string, Kind>([['', 'dir']]);
  /** Symlinks, by path: their target and the entry name they came from. */
  readonly links = new Map<string, { target: string; name: string }>();

  /**
   * @param platform whose rules link targets must pass (where the tree lands).
   * @param rootDepth components at the top that links may not climb above (1: the copied folder, not its parent).
   */
  constructor(
    readonly platform: FsPlatform,
    readonly rootDepth = 0,
  ) {}

  /**
   * Why a symlink at `rel` to `target` could lead outside the root, or undefined when it cannot.
   * Resolves the way the kernel would, component by component, through the symlinks made so
   * far. Stricter than the kernel where other entries could change the answer: a `..` after a
   * component that does not exist is a problem until that component exists (undecided: it may
   * still come, as a folder or as a link), and going through a file as if it were a folder is
   * one for good.
   */
  linkProblem(rel: string, target: string): LinkProblem | undefined {
    const unsafe = badLinkTarget(this.platform, target);
    if (unsafe) return { reason: unsafe };
    const walked = this.walk(rel, target);
    return 'reason' in walked ? walked : undefined;
  }

  /**
   * Where the symlink at `rel` finally leads in the tree, through any other links: a file or a
   * folder (`path` has no link in it), or undefined when it leads to nothing there.
   */
  resolve(rel: string): { path: string; kind: 'file' | 'dir' } | undefined {
    const link = this.links.get(rel);
    if (!link) return undefined;
    const walked = this.walk(rel, link.target);
    if ('reason' in walked || walked.missing !== undefined) return undefined;
    const path = walked.at.join('/');
    const kind = this.kinds.get(path);
    return kind === 'file' || kind === 'dir' ? { path, kind } : undefined;
  }

  /** Follows `target` from the folder of `rel`; `missing` is the first component that does not exist. */
  private walk(rel: string, target: string): LinkProblem | { at: string[]; missing: string | undefined } {
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
        // every link recorded passed this check, so its target is relative: it continues from the link's folder
        at.pop();
        pending.push(...components(this.links.get(path)!.target).reverse());
      }
    }
    return { at, missing };
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
  /**
   * The platform whose rules names and link targets must pass, and that makes the symlinks.
   * @default this machine's
   */
  platform?: FsPlatform;
  /**
   * Symlinks: `auto` makes them, and where the platform cannot (Windows without Developer Mode)
   * copies what they lead to instead; `copy` always copies; `skip` leaves them out; `fail` makes
   * them or rejects.
   * @default 'auto': a download works everywhere, and is exact wherever links can be made
   */
  links?: LinkPolicy;
  /**
   * The destination takes names that differ only in case for one (probe it with foldsCase):
   * such names are not written but reported as collisions.
   * @default false
   */
  foldCase?: boolean;
}

export interface ExtractResult {
  digests: Digests;
  /** Entries that were refused, with the reason. */
  refused: Array<{ name: string; reason: string }>;
  /** Names the destination would take for one another (foldCase): the later ones were not written. */
  collisions: CaseCollision[];
  /** Symlinks written as copies of what they lead to, by entry name. */
  linksCopied: string[];
  /** Why symlinks could not be made (an errno code), when that is why they were copied. */
  linksUnavailable?: string;
  /** Symlinks left out: by `links: 'skip'`, or as copies that could not be made (dangling, a loop). */
  linksSkipped: Array<{ name: string; reason: string }>;
}

/** Errors with which a platform or a file system says it makes no symlinks (or hard links) at all. */
const NO_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS']);

/**
 * Extracts a tar stream into `dest` (a fresh folder), never writing outside it, and leaves no
 * symlink there that leads outside it. Directory modes are applied last, so read-only folders
 * can still be filled. Hostile entries are refused (reported in the result), not thrown: it
 * rejects only when the stream fails or is not a tar archive (tar-stream's parse errors), or
 * when a symlink cannot be made with `links: 'fail'`, and what it wrote until then is inside
 * `dest` all the same.
 */
export async function extractSafely(input: Readable, dest: string, opts: ExtractOptions = {}): Promise<ExtractResult> {
  const { onBytes, root } = opts;
  const platform = opts.platform ?? hostPlatform();
  const tar = await loadTar();
  const extract = tar.extract();
  const digests: Digests = new Map();
  const refused: ExtractResult['refused'] = [];
  const collisions: CaseCollision[] = [];
  const dirModes: DirModes = new Map();
  await mkdir(dest, { recursive: true });
  const tree = new ExtractedTree(platform, root === undefined ? 0 : 1);
  const made = tree.kinds;
  const cases = opts.foldCase ? new CaseIndex(platform) : undefined;
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
    const badEntryName = badName(platform, raw);
    const rel = components(raw).join('/');
    const drain = () => entry.resume();
    const refuse = (reason: string) => {
      refused.push({ name: raw, reason });
      drain();
    };
    if (badEntryName) {
      refuse(`the name ${badEntryName}`);
      continue;
    }
    if (root !== undefined && rel !== root && !rel.startsWith(`${root}/`)) {
      refuse(`it is not inside ${root}, the folder being copied`);
      continue;
    }
    // before anything is written under it: on such a file system the second name is the first file
    const clash = cases?.claim(rel);
    if (clash) {
      // a folder's entries clash where the folder does: one report for all of them
      if (!collisions.some((c) => c.name === clash.name && c.clashesWith === clash.clashesWith)) collisions.push(clash);
      drain();
      continue;
    }
    const target = join(dest, ...rel.split('/'));
    if (!parentsAreFolders(rel)) {
      refuse('a parent folder is a symlink or a file');
      continue;
    }
    const existing = made.get(rel);
    // Links recorded earlier were checked against this name as a link: another kind of entry here would change where they lead.
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
        dirModes.set(rel, { mode: (header.mode ?? 0o755) & 0o1777, ...(header.mtime ? { mtime: header.mtime } : {}) });
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
            await pipeline(
              entry,
              hashing((d) => digests.set(rel, d), onBytes),
              sink,
            );
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
        if (badName(platform, source) || made.get(sourceRel) !== 'file' || existing === 'dir') {
          refuse(`hard link to ${source}, which is not a file of this copy`);
          break;
        }
        // Replacing the file by a link to itself would remove the only copy before linking it.
        if (sourceRel === rel) {
          refuse('hard link to itself');
          break;
        }
        remove(rel, target);
        const from = join(dest, ...sourceRel.split('/'));
        try {
          linkSync(from, target);
        } catch (error) {
          // a file system without hard links (FAT, some network drives): the same bytes, twice
          if (!NO_LINKS.has((error as NodeJS.ErrnoException).code ?? '')) throw error;
          copyFileSync(from, target);
        }
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
  const result: ExtractResult = { digests, refused, collisions, linksCopied: [], linksSkipped: [] };
  if (deferred.length > 0) refused.push(...placeDeferredLinks(tree, deferred));
  if (tree.links.size > 0) {
    refused.push(...dropLinksLeadingOut(tree));
    const links = makeLinks(tree, dest, opts.links ?? 'auto');
    refused.push(...dropLinksResolvingOut(tree, dest, root, links.made));
    if (links.unavailable) result.linksUnavailable = links.unavailable;
    result.linksSkipped.push(...links.skipped);
    if (links.copy.length > 0) {
      const budget = { bytes: sum(digests) + LINK_COPY_SLACK, entries: made.size + LINK_COPY_SLACK_ENTRIES };
      const copies = copyLinkTargets(tree, dest, links.copy, dirModes, budget);
      result.linksCopied.push(...copies.copied);
      result.linksSkipped.push(...copies.skipped);
    }
  }
  // children before their parents: a read-only or unsearchable folder must not block its own
  for (const [rel, dir] of [...dirModes].reverse()) {
    const path = join(dest, ...rel.split('/'));
    chmodSync(path, dir.mode);
    if (dir.mtime) utimesSync(path, dir.mtime, dir.mtime);
  }
  return result;
}

/** Modes and mtimes of folders, applied at the end, by path relative to dest (parents first). */
type DirModes = Map<string, { mode: number; mtime?: Date }>;

const sum = (digests: Digests) => [...digests.values()].reduce((total, d) => total + d.size, 0);

interface DeferredLink {
  rel: string;
  target: string;
  /** The entry's name in the archive. */
  name: string;
  /** Why it could not be recorded when it came. */
  reason: string;
}

/**
 * Records the links that had to wait for the whole tree (`x -> y/../z` before `y` came), each
 * once it is known to stay inside; again until a round records none, as one link can settle
 * another. What is left, or now refused outright, is reported.
 */
function placeDeferredLinks(tree: ExtractedTree, deferred: DeferredLink[]): ExtractResult['refused'] {
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

/** Forgets a recorded link and says why (the caller removes it from disk if it was made there). */
function dropLink(tree: ExtractedTree, rel: string, reason: string): { name: string; reason: string } {
  const link = tree.links.get(rel)!;
  tree.kinds.delete(rel);
  tree.links.delete(rel);
  return { name: link.name, reason: `symlink to ${link.target} ${reason}` };
}

/**
 * Checks every symlink again against the whole tree, as later entries may have changed where an
 * earlier one leads, and drops those that could now lead outside; again until none is dropped.
 */
function dropLinksLeadingOut(tree: ExtractedTree): ExtractResult['refused'] {
  const dropped: ExtractResult['refused'] = [];
  for (let again = true; again; ) {
    again = false;
    for (const [rel, link] of tree.links) {
      const problem = tree.linkProblem(rel, link.target);
      if (problem) {
        dropped.push(dropLink(tree, rel, `${problem.reason} once the whole folder arrived`));
        again = true;
      }
    }
  }
  return dropped;
}

/**
 * Makes the recorded symlinks on disk as `policy` says, each as a file or a folder link (Windows
 * tells them apart) by what it leads to in the tree. Returns the links made, those to copy
 * instead, and those left out; rejects for `fail` when the platform makes no links.
 */
function makeLinks(
  tree: ExtractedTree,
  dest: string,
  policy: LinkPolicy,
): { made: Set<string>; copy: string[]; skipped: ExtractResult['linksSkipped']; unavailable?: string } {
  const made = new Set<string>();
  const copy: string[] = [];
  const skipped: ExtractResult['linksSkipped'] = [];
  let unavailable: string | undefined;
  for (const [rel, link] of tree.links) {
    if (policy === 'skip') skipped.push({ name: link.name, reason: 'not created (--links skip)' });
    else if (policy === 'copy' || unavailable) copy.push(rel);
    else {
      try {
        tree.platform.symlink(link.target, join(dest, ...rel.split('/')), tree.resolve(rel)?.kind);
        made.add(rel);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code ?? '';
        if (!NO_LINKS.has(code)) throw error;
        if (policy === 'fail') {
          const why = tree.platform.name === 'win32' ? ', as on Windows without Developer Mode or an administrator' : '';
          throw new CopyError(
            `cannot create the symlink ${link.name} here (${code}${why}); nothing was copied: --links copy or --links skip copies without symlinks`,
          );
        }
        unavailable = code;
        copy.push(rel);
      }
    }
  }
  return { made, copy, skipped, ...(unavailable ? { unavailable } : {}) };
}

/**
 * Asks the file system where each link made really resolves, in case it differs from the tree
 * as recorded (a case-insensitive file system, say), and drops those that lead outside.
 */
function dropLinksResolvingOut(tree: ExtractedTree, dest: string, root: string | undefined, made: Set<string>): ExtractResult['refused'] {
  const dropped: ExtractResult['refused'] = [];
  if (made.size === 0) return dropped;
  const top = realpathSync.native(root === undefined ? dest : join(dest, root));
  for (const rel of made) {
    let real: string;
    try {
      real = realpathSync.native(join(dest, ...rel.split('/')));
    } catch {
      continue; // dangling: checked against the tree, nothing on disk to follow
    }
    if (real !== top && !real.startsWith(top + sep)) {
      rmSync(join(dest, ...rel.split('/')), { force: true });
      dropped.push(dropLink(tree, rel, `resolves to ${real}, outside the destination`));
      made.delete(rel);
    }
  }
  return dropped;
}

/**
 * What copies of link targets may add to a download, beyond its own size and entry count: a
 * tree of links to links to a big folder would otherwise multiply it without end.
 */
const LINK_COPY_SLACK = 64 * 1024 * 1024;
const LINK_COPY_SLACK_ENTRIES = 10_000;

/** A copy of a link target went over its budget. */
class OverBudget extends Error {}

/**
 * Writes, at each link's place, a copy of the file or folder it leads to in the tree (links
 * inside a copied folder are copied the same way). Reads only entries the extraction wrote
 * (paths with no link in them); a link that leads to nothing, to a folder that contains it, or
 * past the budget is left out and reported.
 */
function copyLinkTargets(
  tree: ExtractedTree,
  dest: string,
  rels: string[],
  dirModes: DirModes,
  budget: { bytes: number; entries: number },
): { copied: string[]; skipped: ExtractResult['linksSkipped'] } {
  const copied: string[] = [];
  const skipped: ExtractResult['linksSkipped'] = [];
  const children = new Map<string, string[]>();
  for (const rel of tree.kinds.keys()) {
    if (rel === '') continue;
    const parent = rel.includes('/') ? rel.slice(0, rel.lastIndexOf('/')) : '';
    const list = children.get(parent) ?? [];
    list.push(rel);
    children.set(parent, list);
  }
  const abs = (rel: string) => (rel === '' ? dest : join(dest, ...rel.split('/')));
  const parentOf = (rel: string) => (rel.includes('/') ? rel.slice(0, rel.lastIndexOf('/')) : '');
  const contains = (folder: string, rel: string) => folder === '' || folder === rel || rel.startsWith(`${folder}/`);
  let bytes = 0;
  let entries = 0;
  const spend = (size: number) => {
    bytes += size;
    entries += 1;
    if (bytes > budget.bytes || entries > budget.entries) throw new OverBudget();
  };
  const copyFile = (from: string, to: string) => {
    const st = lstatSync(abs(from));
    spend(st.size);
    copyFileSync(abs(from), abs(to));
    utimesSync(abs(to), st.atime, st.mtime);
  };
  /**
   * Copies what the link at `link` leads to, to `to`. `open` holds the folders being copied
   * (where a link was followed, and the link's own folder): a link to one of them, or to a
   * folder above one, would copy itself again and again.
   */
  const copyLink = (link: string, to: string, open: string[]): string | undefined => {
    const resolved = tree.resolve(link);
    if (!resolved) return 'leads to nothing in the copy (a dangling link cannot be copied)';
    if (resolved.kind === 'file') {
      copyFile(resolved.path, to);
      return undefined;
    }
    if (open.some((folder) => contains(resolved.path, folder))) return 'leads to a folder that contains it (its copy would never end)';
    copyDir(resolved.path, to, open);
    return undefined;
  };
  const copyDir = (from: string, to: string, open: string[]) => {
    spend(0);
    mkdirSync(abs(to));
    const mode = dirModes.get(from);
    if (mode) dirModes.set(to, mode);
    for (const child of children.get(from) ?? []) {
      const name = child.slice(child.lastIndexOf('/') + 1);
      const into = `${to}/${name}`;
      const kind = tree.kinds.get(child);
      if (kind === 'file') copyFile(child, into);
      else if (kind === 'dir') copyDir(child, into, open);
      else {
        const why = copyLink(child, into, [...open, from]);
        if (why) skipped.push({ name: `${tree.links.get(child)?.name ?? child} (in the copy at ${into})`, reason: why });
      }
    }
  };
  for (const rel of rels) {
    const name = tree.links.get(rel)!.name;
    try {
      const why = copyLink(rel, rel, [parentOf(rel)]);
      if (why) skipped.push({ name, reason: why });
      else copied.push(name);
    } catch (error) {
      if (!(error instanceof OverBudget)) throw error;
      // none of this link's copy stays: never half a folder
      for (const key of [...dirModes.keys()]) if (contains(rel, key)) dirModes.delete(key);
      rmSync(abs(rel), { recursive: true, force: true });
      skipped.push({ name, reason: 'copying what it leads to would make the download more than twice its size' });
    }
  }
  return { copied, skipped };
}

/** A pass-through that also feeds a tar parser, collecting digests of what went by. */
export async function digestTarStream(input: Readable): Promise<{ output: Readable; digests: Promise<Digests> }> {
  const tar = await loadTar();
  const extract = tar.extract();
  const output = new PassThrough();
  const digests: Digests = new Map();
  const done = (async () => {
    for await (const entry of extract) {
      const rel = entry.header.name
        .split('/')
        .filter((p) => p !== '' && p !== '.')
        .join('/');
      if (entry.header.type === 'file' || entry.header.type === 'contiguous-file') {
        await pipeline(
          entry,
          hashing((d) => digests.set(rel, d)),
          new PassThrough().resume(),
        );
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
