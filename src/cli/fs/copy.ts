/**
 * `fs cp`: files and trees between this machine, sandboxes and tar streams on stdio.
 *
 * Every copy lands under a temporary name next to its destination and is renamed into place
 * only after every file was verified (size and SHA-256, the far side's computed where the files
 * are), so a failed or interrupted copy never leaves a partial file at the destination name.
 * Trees travel as one tar stream (or several with --parallel); modes and symlinks are kept, and
 * nothing from a sandbox can write outside the local destination (see tar.ts).
 */
import { chmod, cp, lstat, mkdir, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, posix, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Sandbox } from '../../client/sandbox.js';
import type { Context } from '../context.js';
import { CancelError, CopyError, UsageError } from '../errors.js';
import { sanitize } from '../render/sanitize.js';
import type { Location } from './location.js';
import { createProgress, type Progress } from './progress.js';
import { followFileDigest, remoteDigests, remoteFileDigest, remoteTarCreate, remoteTarExtract, runRemote } from './remote.js';
import {
  badComponent,
  caseKey,
  describeCollisions,
  foldsCase,
  nameOfPath,
  renameOver,
  runPlatform,
  uploadMode,
  type FsPlatform,
  type LinkPolicy,
} from './platform.js';
import { naming, tempName } from './temp-name.js';
import { digestTarStream, extractSafely, hashing, packTree, walkLocal, type Digests, type TreeEntry } from './tar.js';

export interface CopyOptions {
  /** Sandbox user for the sandbox side. */
  user?: string;
  /** Tar streams in flight at once for trees. @default 1 */
  parallel: number;
  /**
   * Symlinks of downloads (see ExtractOptions.links). @default 'auto': links where this machine
   * makes them, else copies of what they lead to, so a download works on Windows without
   * Developer Mode too
   */
  links?: LinkPolicy;
}

/** What one source became. */
export interface CopyResult {
  source: string;
  destination: string;
  files: number;
  bytes: number;
  /** Entries refused for safety (downloads), or links an upload cannot carry, with the reason. */
  refused: Array<{ name: string; reason: string }>;
  /** Symlinks of a download written as copies of what they lead to (only when there are some). */
  linksCopied?: string[];
  /** Symlinks of a download left out, with why (only when there are some). */
  linksSkipped?: Array<{ name: string; reason: string }>;
}

/** Compares two digest maps; returns a one-line description of the first difference. */
export function digestMismatch(expected: Digests, actual: Digests, ignore: Set<string> = new Set()): string | undefined {
  for (const [name, want] of expected) {
    if (ignore.has(name)) continue;
    const got = actual.get(name);
    if (!got) return `${name} is missing on the far side`;
    if (got.size !== want.size) return `${name} has ${got.size} bytes on the far side, ${want.size} here`;
    if (got.sha256 !== want.sha256) return `${name} differs after the copy (SHA-256 mismatch)`;
  }
  for (const name of actual.keys()) {
    if (!expected.has(name) && !ignore.has(name)) return `${name} appeared on the far side but was not sent`;
  }
  return undefined;
}

function verified(expected: Digests, actual: Digests, ignore?: Set<string>): void {
  const problem = digestMismatch(expected, actual, ignore);
  if (problem) throw new CopyError(`verification failed: ${problem}`);
}

/** Strips a leading "./" from every key. */
function stripDot(digests: Digests): Digests {
  const out: Digests = new Map();
  for (const [name, digest] of digests) out.set(name.replace(/^\.\//, ''), digest);
  return out;
}

/**
 * The local name of a download's source, for a destination folder: the last part of the sandbox
 * path as the user wrote it (what the sandbox answers never names a local file), which must be a
 * file name on this platform. A path with no name of its own (`~`, `.`), or one this platform
 * cannot hold, is a usage error: the user then names the copy (a destination that is not a
 * folder needs no name from the source).
 */
function localName(platform: FsPlatform, sandboxId: string, path: string): string {
  const name = nameOfPath(path);
  if (name === undefined)
    throw new UsageError(sanitize(`${sandboxId}:${path} has no name of its own for the copy; give it one (fs cp ${sandboxId}:${path} DIR/NEWNAME)`));
  const problem = badComponent(platform, name);
  if (problem)
    throw new UsageError(
      sanitize(`${sandboxId}:${path}: "${name}" cannot be a file name here: it ${problem}; give the copy a name (fs cp ${sandboxId}:${path} DIR/NEWNAME)`),
    );
  return name;
}

type Digest = { size: number; sha256: string };

const sum = (digests: Digests) => [...digests.values()].reduce((total, d) => total + d.size, 0);

/** A sandbox path that exists, as getInfo reports it. */
interface RemoteKind {
  kind: 'file' | 'dir';
  mode: number;
  size: number;
  /** Absolute. */
  path: string;
}

class Copier {
  private readonly sandboxes = new Map<string, Promise<Sandbox>>();
  readonly results: CopyResult[] = [];
  /** Whose rules local names, links and modes follow (this machine's, unless a test forces one). */
  readonly platform: FsPlatform;

  constructor(
    private readonly ctx: Context,
    private readonly opts: CopyOptions,
  ) {
    this.platform = runPlatform(ctx.env);
  }

  sandbox(id: string): Promise<Sandbox> {
    let sandbox = this.sandboxes.get(id);
    if (!sandbox) {
      sandbox = this.ctx.sandbox(id);
      this.sandboxes.set(id, sandbox);
    }
    return sandbox;
  }

  private userOpt(): { user?: string } {
    return this.opts.user ? { user: this.opts.user } : {};
  }

  private call(): { user?: string; signal: AbortSignal } {
    return { ...this.userOpt(), signal: this.ctx.signal };
  }

  /** Kind of a sandbox path ('missing' when it does not exist), with its mode, size and absolute path. */
  private async remoteKind(sandbox: Sandbox, path: string): Promise<RemoteKind | { kind: 'missing'; path?: undefined }> {
    try {
      const info = await sandbox.files.getInfo(path, this.call());
      return { kind: info.type === 'dir' ? 'dir' : 'file', mode: info.mode, size: info.size, path: info.path };
    } catch (error) {
      if ((error as { name?: string }).name === 'FileNotFoundError') return { kind: 'missing' };
      throw error;
    }
  }

  /** Like remoteKind, for a source that must exist. */
  private async existingRemote(sandbox: Sandbox, sandboxId: string, path: string): Promise<RemoteKind> {
    const kind = await this.remoteKind(sandbox, path);
    if (kind.kind === 'missing') {
      const { FileNotFoundError } = await this.ctx.client();
      throw new FileNotFoundError(`${sandboxId}:${path}: no such file or folder in the sandbox`);
    }
    return kind;
  }

  /** Where `name` lands for a destination that may be an existing folder (always absolute). */
  private async remoteTarget(sandbox: Sandbox, dest: string, name: string, mustBeDir: boolean): Promise<string> {
    const kind = await this.remoteKind(sandbox, dest);
    const path = kind.path ?? (await this.absolute(sandbox, dest));
    if (kind.kind === 'dir' || dest.endsWith('/')) return posix.join(path, name);
    if (mustBeDir) throw new UsageError(`copying several sources needs an existing folder as destination; ${dest} is not one`);
    return path;
  }

  /**
   * A sandbox path made absolute the way envd reads it ("~", "~/x" and relative paths are under
   * the user's home), for the helper processes, which take paths literally.
   */
  private async absolute(sandbox: Sandbox, path: string): Promise<string> {
    if (posix.isAbsolute(path)) return path;
    const home = (await sandbox.files.getInfo('~', this.call())).path;
    return posix.join(home, path === '~' ? '.' : path.startsWith('~/') ? path.slice(2) : path);
  }

  /** Where a download lands: in `dest` under `name()` when it is a folder, else `dest` itself. */
  private async localTarget(dest: string, name: () => string, mustBeDir: boolean): Promise<string> {
    const st = await stat(dest).catch(() => undefined);
    if (st?.isDirectory() || dest.endsWith('/') || dest.endsWith('\\')) return join(dest, name());
    if (mustBeDir) throw new UsageError(`copying several sources needs an existing folder as destination; ${dest} is not one`);
    return dest;
  }

  /**
   * Runs a copy step, removing its temporary leftovers when it fails or is interrupted. Errors
   * that name the temporary (a sandbox refusing to create it, say) name the destination instead:
   * that is the name the user knows.
   */
  private async guarded<T>(names: { tmp: string; target: string }, work: () => Promise<T>, cleanup: () => Promise<unknown>): Promise<T> {
    try {
      const value = await work();
      if (this.ctx.signal.aborted) throw new CancelError('interrupted');
      return value;
    } catch (error) {
      await cleanup().catch(() => {});
      if (this.ctx.signal.aborted) throw new CancelError('interrupted; nothing was left at the destination');
      throw naming(error, names.tmp, names.target);
    }
  }

  async upload(localPath: string, sandboxId: string, dest: string, multi: boolean): Promise<void> {
    const sandbox = await this.sandbox(sandboxId);
    const st = await lstat(localPath).catch(() => undefined);
    if (!st) {
      const { FileNotFoundError } = await this.ctx.client();
      throw new FileNotFoundError(`${localPath}: no such file or folder`);
    }
    const target = await this.remoteTarget(sandbox, dest, basename(resolve(localPath)), multi);
    const tmp = posix.join(posix.dirname(target), tempName(target));
    if (st.isFile()) {
      const progress = createProgress(this.ctx, `→ ${target}`, st.size);
      let local: Digest | undefined;
      const onProgress = (bytes: number) => progress.at(bytes);
      await this.guarded(
        { tmp, target },
        async () => {
          // the sandbox hashes the file as it arrives, instead of reading it all again afterwards
          const follower = await followFileDigest(sandbox, tmp, st.size, this.call());
          try {
            const sent = await sandbox.files.upload(localPath, tmp, { ...this.call(), onProgress });
            local = { size: sent.size, sha256: sent.sha256 };
          } catch (error) {
            await follower.kill();
            throw error;
          }
          const mode = uploadMode(this.platform, 'file', st.mode).toString(8);
          const [info] = await Promise.all([sandbox.files.getInfo(tmp, this.call()), runRemote(sandbox, 'chmod', [mode, '--', tmp], this.call())]);
          // The follower stops after the size we sent; a file of another size cannot match anyway.
          if (info.size !== local.size) await follower.kill();
          const followed = info.size === local.size ? await follower.digest : undefined;
          const remote = followed ? { sha256: followed.sha256, size: info.size } : await remoteFileDigest(sandbox, tmp, this.call());
          verified(new Map([['f', local]]), new Map([['f', remote]]));
          await sandbox.files.rename(tmp, target, this.call());
        },
        () => sandbox.files.remove(tmp, this.userOpt()),
      ).finally(() => progress.done());
      this.results.push({ source: localPath, destination: `${sandboxId}:${target}`, files: 1, bytes: local!.size, refused: [] });
      return;
    }
    const refused: CopyResult['refused'] = [];
    const entries = await walkLocal(resolve(localPath), { platform: this.platform, refused });
    for (const r of refused) this.ctx.warn(`not copied: ${r.name}: ${r.reason}`);
    const rootName = entries[0].rel;
    const base = posix.basename(target);
    const rename = (rel: string) => (rel === rootName ? base : base + rel.slice(rootName.length));
    const total = entries.reduce((n, e) => n + e.size, 0);
    const progress = createProgress(this.ctx, `→ ${target}`, total);
    const digests: Digests = new Map();
    await this.guarded(
      { tmp, target },
      async () => {
        for (const group of this.groups(entries)) {
          await Promise.all(
            group.map(async (part) => remoteTarExtract(sandbox, tmp, await packTree(part, digests, (n) => progress.add(n), rename), this.call())),
          );
        }
        verified(digests, await remoteDigests(sandbox, tmp, base, this.call()));
        await this.placeRemote(sandbox, tmp, base, target);
      },
      () => this.removeRemoteTree(sandbox, tmp),
    ).finally(() => progress.done());
    this.results.push({ source: localPath, destination: `${sandboxId}:${target}`, files: digests.size, bytes: sum(digests), refused });
  }

  /**
   * Splits a tree into rounds of tar streams run one round after the other: first every folder
   * (writable for now), then the files spread over `parallel` streams (largest first, each to
   * the lightest stream), then the folders again with their real modes, and the links. Two tar
   * processes never race to create the same folder, and a read-only folder cannot block a
   * concurrent writer.
   */
  private groups(entries: TreeEntry[]): TreeEntry[][][] {
    if (this.opts.parallel <= 1) return [[entries]];
    const folders = entries.filter((e) => e.type === 'dir').map((e) => ({ ...e, mode: 0o700 }));
    const files = entries.filter((e) => e.type === 'file').sort((a, b) => b.size - a.size);
    const buckets = Array.from({ length: this.opts.parallel }, () => ({ size: 0, entries: [] as TreeEntry[] }));
    for (const file of files) {
      const lightest = buckets.reduce((a, b) => (b.size < a.size ? b : a));
      lightest.entries.push(file);
      lightest.size += file.size;
    }
    const rest = entries.filter((e) => e.type !== 'file');
    return [[folders], buckets.map((b) => b.entries).filter((b) => b.length > 0), [rest]];
  }

  /**
   * Removes a temporary tree in the sandbox, read-only and unsearchable folders included (a tar
   * from elsewhere may carry them), which envd's remove stops at when envd is not root (the
   * local backend's unisolated runtime, as on macOS).
   */
  private async removeRemoteTree(sandbox: Sandbox, tmp: string): Promise<void> {
    const script = 'chmod -R u+rwX -- "$1" 2>/dev/null; rm -rf -- "$1"';
    // not the interrupt signal: this runs when the copy was interrupted, and must still run
    await runRemote(sandbox, 'sh', ['-c', script, 'sh', tmp], this.userOpt()).catch(() => sandbox.files.remove(tmp, this.userOpt()));
  }

  /** Moves `tmp/base` to `target` in the sandbox (merging into an existing folder), then drops tmp. */
  private async placeRemote(sandbox: Sandbox, tmp: string, base: string, target: string): Promise<void> {
    const script = [
      'src="$1/$2"; dst="$3"',
      'if [ -d "$dst" ] && [ -d "$src" ] && [ ! -L "$dst" ]; then cp -a -- "$src/." "$dst/"',
      'elif [ -d "$dst" ] && [ ! -L "$dst" ]; then echo "cannot overwrite folder $dst with a file" >&2; exit 1',
      'elif [ -e "$dst" ] && [ -d "$src" ]; then echo "cannot overwrite $dst (not a folder) with a folder" >&2; exit 1',
      'else mv -f -- "$src" "$dst"; fi',
      // read-only folders of the copy would block removing what is left of the temporary
      'chmod -R u+w -- "$1" 2>/dev/null; rm -rf -- "$1"',
    ].join('\n');
    await runRemote(sandbox, 'sh', ['-c', script, 'sh', tmp, base, target], this.call());
  }

  async download(sandboxId: string, path: string, localDest: string, multi: boolean): Promise<void> {
    const sandbox = await this.sandbox(sandboxId);
    const kind = await this.existingRemote(sandbox, sandboxId, path);
    const sourcePath = kind.path;
    const target = await this.localTarget(localDest, () => localName(this.platform, sandboxId, path), multi);
    await mkdir(dirname(target), { recursive: true });
    const tmp = join(dirname(target), tempName(target));
    if (kind.kind === 'file') {
      const progress = createProgress(this.ctx, `← ${sourcePath}`, kind.size);
      let local: Digest | undefined;
      const onProgress = (bytes: number) => progress.at(bytes);
      await this.guarded(
        { tmp, target },
        async () => {
          // the sandbox hashes its copy while ours arrives (and is hashed as it lands)
          const [remote, written] = await Promise.all([
            remoteFileDigest(sandbox, sourcePath, this.call()),
            sandbox.files.download(sourcePath, tmp, { ...this.call(), exclusive: true, mode: 0o600, onProgress }),
          ]);
          local = written;
          verified(new Map([['f', remote]]), new Map([['f', local]]));
          await chmod(tmp, kind.mode & 0o777);
          await renameOver(this.platform, tmp, target);
        },
        () => rm(tmp, { force: true }),
      ).finally(() => progress.done());
      this.results.push({ source: `${sandboxId}:${sourcePath}`, destination: target, files: 1, bytes: local!.size, refused: [] });
      return;
    }
    // The tar stream names the folder as the sandbox does; that name only lives inside tmp, and
    // the folder lands under the user's name.
    const parent = posix.dirname(sourcePath);
    const root = posix.basename(sourcePath);
    const rootProblem = badComponent(this.platform, root);
    if (rootProblem)
      throw new CopyError(sanitize(`${sandboxId}:${path}: the sandbox reports it as ${sourcePath}, whose name "${root}" ${rootProblem}; not downloaded`));
    const total = await this.remoteSize(sandbox, sourcePath);
    const progress = createProgress(this.ctx, `← ${sourcePath}`, total);
    let extracted: Awaited<ReturnType<typeof extractSafely>> | undefined;
    try {
      await this.guarded(
        { tmp, target },
        async () => {
          await mkdir(tmp);
          const foldCase = foldsCase(this.platform, tmp);
          const { stream, done } = await remoteTarCreate(sandbox, parent, [root], this.call());
          extracted = await extractSafely(stream, tmp, {
            root,
            onBytes: (n) => progress.add(n),
            platform: this.platform,
            links: this.opts.links ?? 'auto',
            foldCase,
          });
          await done;
          if (extracted.collisions.length > 0) {
            throw new CopyError(
              sanitize(
                `${sandboxId}:${sourcePath} holds names that differ only in case, which the file system at ${dirname(target)} takes for one: ${describeCollisions(extracted.collisions)}; nothing was copied`,
              ),
            );
          }
          const refusedNames = new Set(
            extracted.refused.map((r) =>
              r.name
                .split('/')
                .filter((p) => p && p !== '.')
                .join('/'),
            ),
          );
          verified(await remoteDigests(sandbox, parent, root, this.call()), extracted.digests, refusedNames);
          if (!(await lstat(join(tmp, root)).catch(() => undefined))) throw new CopyError(`${sandboxId}:${sourcePath}: nothing of it could be copied`);
          await this.placeLocal(join(tmp, root), target);
          await rm(tmp, { recursive: true, force: true });
        },
        () => rm(tmp, { recursive: true, force: true }),
      ).finally(() => progress.done());
    } finally {
      // also when the copy failed: what was refused may be why (names and targets are the sandbox's: no control sequences)
      for (const refused of extracted?.refused ?? []) this.ctx.warn(sanitize(`refused ${refused.name}: ${refused.reason}`));
    }
    const result = extracted!;
    this.reportLinks(result);
    this.results.push({
      source: `${sandboxId}:${sourcePath}`,
      destination: target,
      files: result.digests.size,
      bytes: sum(result.digests),
      refused: result.refused,
      ...(result.linksCopied.length > 0 ? { linksCopied: result.linksCopied } : {}),
      ...(result.linksSkipped.length > 0 ? { linksSkipped: result.linksSkipped } : {}),
    });
  }

  /** Says what became of symlinks that were not made as symlinks. */
  private reportLinks(result: Awaited<ReturnType<typeof extractSafely>>): void {
    const copied = result.linksCopied.length;
    if (copied > 0) {
      const why = result.linksUnavailable
        ? `symlinks cannot be created here (${result.linksUnavailable}${this.platform.name === 'win32' ? ': Windows allows them with Developer Mode or as an administrator' : ''})`
        : '--links copy';
      this.ctx.warn(
        `${copied} symlink${copied === 1 ? ' was' : 's were'} copied as the files and folders ${copied === 1 ? 'it leads' : 'they lead'} to: ${why}`,
      );
    }
    const chosen = result.linksSkipped.filter((s) => s.reason === 'not created (--links skip)').length;
    if (chosen > 0) this.ctx.warn(`${chosen} symlink${chosen === 1 ? ' was' : 's were'} left out (--links skip)`);
    for (const s of result.linksSkipped) if (s.reason !== 'not created (--links skip)') this.ctx.warn(sanitize(`symlink ${s.name} left out: it ${s.reason}`));
  }

  private async remoteSize(sandbox: Sandbox, path: string): Promise<number | undefined> {
    try {
      const out = await runRemote(sandbox, 'du', ['-sb', '--', path], this.call());
      const bytes = Number(out.toString().split('\t')[0]);
      return Number.isFinite(bytes) ? bytes : undefined;
    } catch {
      return undefined;
    }
  }

  /** Moves a fresh local tree into place, merging into an existing folder. */
  private async placeLocal(from: string, target: string): Promise<void> {
    const existing = await lstat(target).catch(() => undefined);
    if (!existing) {
      await renameOver(this.platform, from, target);
      return;
    }
    if (!existing.isDirectory()) throw new CopyError(`cannot overwrite ${target} (not a folder) with a folder`);
    await cp(from, target, { recursive: true, force: true, verbatimSymlinks: true, preserveTimestamps: true });
  }

  /**
   * Several downloads into one folder: two that would land under one name there (the same, or
   * names the folder's file system takes for one) are refused before anything is copied.
   */
  async distinctNames(sources: Location[], dest: string): Promise<void> {
    if (!(await stat(dest).catch(() => undefined))?.isDirectory()) return; // localTarget says why
    const fold = foldsCase(this.platform, dest);
    const seen = new Map<string, { label: string; name: string }>();
    for (const source of sources) {
      if (source.kind !== 'sandbox') continue;
      const name = localName(this.platform, source.sandboxId, source.path);
      const key = fold ? caseKey(this.platform, name) : name;
      const first = seen.get(key);
      const label = `${source.sandboxId}:${source.path}`;
      if (first) {
        const how = first.name === name ? join(dest, name) : `${join(dest, name)} (the file system there ignores case)`;
        throw new UsageError(sanitize(`${first.label} and ${label} would both land at ${how}; copy them one at a time`));
      }
      seen.set(key, { label, name });
    }
  }

  async between(fromId: string, fromPath: string, toId: string, toDest: string, multi: boolean): Promise<void> {
    const source = await this.sandbox(fromId);
    const dest = await this.sandbox(toId);
    const kind = await this.existingRemote(source, fromId, fromPath);
    const sourcePath = kind.path;
    const target = await this.remoteTarget(dest, toDest, posix.basename(sourcePath), multi);
    const tmp = posix.join(posix.dirname(target), tempName(target));
    const progress = createProgress(this.ctx, `${fromId}:${sourcePath} → ${toId}:${target}`);
    let files = 0;
    let bytes = 0;
    await this.guarded(
      { tmp, target },
      async () => {
        if (kind.kind === 'file') {
          const body = await source.files.readStream(sourcePath, this.call());
          await dest.files.write(
            tmp,
            body.pipe(
              hashing(
                () => {},
                (n) => progress.add(n),
              ),
            ),
            this.call(),
          );
          await runRemote(dest, 'chmod', [kind.mode.toString(8), '--', tmp], this.call());
          const [a, b] = await Promise.all([remoteFileDigest(source, sourcePath, this.call()), remoteFileDigest(dest, tmp, this.call())]);
          verified(new Map([['f', a]]), new Map([['f', b]]));
          await dest.files.rename(tmp, target, this.call());
          files = 1;
          bytes = a.size;
          return;
        }
        const name = posix.basename(sourcePath);
        const { stream, done } = await remoteTarCreate(source, posix.dirname(sourcePath), [name], this.call());
        await Promise.all([
          remoteTarExtract(
            dest,
            tmp,
            stream.pipe(
              hashing(
                () => {},
                (n) => progress.add(n),
              ),
            ),
            this.call(),
          ),
          done,
        ]);
        const [a, b] = await Promise.all([remoteDigests(source, posix.dirname(sourcePath), name, this.call()), remoteDigests(dest, tmp, name, this.call())]);
        verified(a, b);
        await this.placeRemote(dest, tmp, name, target);
        files = a.size;
        bytes = sum(a);
      },
      () => this.removeRemoteTree(dest, tmp),
    ).finally(() => progress.done());
    this.results.push({ source: `${fromId}:${sourcePath}`, destination: `${toId}:${target}`, files, bytes, refused: [] });
  }

  /** A tar archive on stdin, extracted into a sandbox folder. */
  async fromStdin(sandboxId: string, dest: string): Promise<void> {
    const sandbox = await this.sandbox(sandboxId);
    const kind = await this.remoteKind(sandbox, dest);
    if (kind.kind === 'file') throw new UsageError(`${dest} is a file; a tar stream needs a folder as destination`);
    const target = kind.path ?? (await this.absolute(sandbox, dest));
    const tmp = posix.join(posix.dirname(target), tempName(target));
    const progress = createProgress(this.ctx, `→ ${target}`);
    let digests: Digests = new Map();
    await this.guarded(
      { tmp, target },
      async () => {
        const { output, digests: sent } = await digestTarStream(
          Readable.from(this.ctx.io.stdin).pipe(
            hashing(
              () => {},
              (n) => progress.add(n),
            ),
          ),
        );
        await remoteTarExtract(sandbox, tmp, output, this.call());
        digests = stripDot(await sent);
        verified(digests, stripDot(await remoteDigests(sandbox, tmp, '.', this.call())));
        await runRemote(
          sandbox,
          'sh',
          ['-c', 'mkdir -p -- "$2" && cp -a -- "$1/." "$2/" && { chmod -R u+w -- "$1" 2>/dev/null; rm -rf -- "$1"; }', 'sh', tmp, target],
          this.call(),
        );
      },
      () => this.removeRemoteTree(sandbox, tmp),
    ).finally(() => progress.done());
    this.results.push({ source: '-', destination: `${sandboxId}:${target}`, files: digests.size, bytes: sum(digests), refused: [] });
  }

  /** A sandbox file or folder as a tar archive on stdout. */
  async toStdout(sandboxId: string, path: string): Promise<void> {
    const sandbox = await this.sandbox(sandboxId);
    const kind = await this.existingRemote(sandbox, sandboxId, path);
    const sourcePath = kind.path;
    const parent = posix.dirname(sourcePath);
    const name = posix.basename(sourcePath);
    const { stream, done } = await remoteTarCreate(sandbox, parent, [name], this.call());
    const { output, digests } = await digestTarStream(stream);
    await pipeline(output, this.ctx.io.stdout, { end: false });
    await done;
    const sent = await digests;
    verified(await remoteDigests(sandbox, parent, name, this.call()), sent);
    this.results.push({ source: `${sandboxId}:${sourcePath}`, destination: '-', files: sent.size, bytes: sum(sent), refused: [] });
  }
}

/** Runs one `fs cp`. */
export async function copy(ctx: Context, sources: Location[], dest: Location, opts: CopyOptions): Promise<CopyResult[]> {
  const copier = new Copier(ctx, opts);
  const multi = sources.length > 1;
  if (dest.kind === 'stdio' && sources.length !== 1) throw new UsageError('only one source can be written to stdout');
  if (multi && dest.kind === 'local') await copier.distinctNames(sources, dest.path);
  for (const source of sources) {
    if (source.kind === 'stdio') {
      if (sources.length > 1) throw new UsageError('- (a tar stream on stdin) must be the only source');
      if (dest.kind !== 'sandbox') throw new UsageError('a tar stream from stdin can only go into a sandbox (SANDBOX:PATH)');
      if (ctx.io.isStdinTTY) throw new UsageError('stdin is a terminal; pipe a tar archive into it (tar c dir | e2b-ts fs cp - SANDBOX:PATH)');
      await copier.fromStdin(dest.sandboxId, dest.path);
    } else if (source.kind === 'local') {
      if (dest.kind !== 'sandbox') throw new UsageError(`both ${source.path} and the destination are local; use cp`);
      await copier.upload(source.path, dest.sandboxId, dest.path, multi);
    } else if (dest.kind === 'stdio') {
      await copier.toStdout(source.sandboxId, source.path);
    } else if (dest.kind === 'local') {
      await copier.download(source.sandboxId, source.path, dest.path, multi);
    } else {
      await copier.between(source.sandboxId, source.path, dest.sandboxId, dest.path, multi);
    }
  }
  return copier.results;
}

export type { Progress };
