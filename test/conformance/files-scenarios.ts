/**
 * The filesystem scenarios of the conformance suite (envd's `filesystem.Filesystem` service and
 * its `/files` endpoint, e2b-protocol.md §4.4, §5, §7.2–7.3), written once against a small
 * "files under test" interface so the official `e2b` SDK (files-sdk.test.ts) and our own client
 * (files-differential.test.ts) run literally the same operations and assertions.
 *
 * What the assertions expect is E2B's envd as the protocol reference (and envd's source)
 * describes it: contents round-trip byte for byte (20 MB included), relative paths and `~`
 * resolve against the user's home, envd acts as root and the user only decides path resolution
 * and ownership (so `user` may write into /root through the files API, which its processes
 * cannot), parents are created 0755 and owned by the user, list() walks depth-first in name
 * order without following symlinks and reports a symlink with its target's type and mode,
 * dangling symlinks are left out of list() and have no type and mode 0, `remove` of a missing
 * path succeeds, `makeDir` answers false for an existing directory, watch events carry names
 * relative to the watched directory, upload metadata is lower-cased and replaced on every
 * upload, signed links work with plain HTTP and answer 401 when tampered with or expired, and a
 * missing path is a FileNotFoundError.
 *
 * The adapters for both clients live at the bottom of this file.
 */
import { randomBytes } from 'node:crypto';
import * as e2b from 'e2b';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as ours from '../../src/index.js';
import { sha256, unique } from './commands-scenarios.js';
import { rejection, type LocalEnv } from './sandbox-scenarios.js';

/** An entry as `list`/`getInfo`/`rename` report it (EntryInfo in both clients). */
export interface Entry {
  name: string;
  type?: string;
  path: string;
  size: number;
  mode: number;
  permissions: string;
  owner: string;
  group: string;
  modifiedTime?: Date;
  symlinkTarget?: string;
  metadata?: Record<string, string>;
}

/** What `write` reports per file. */
export interface Written {
  name: string;
  path: string;
  type?: string;
  metadata?: Record<string, string>;
}

export interface FsEvent {
  name: string;
  type: string;
  entry?: Entry;
}

export interface UserOpt {
  user?: string;
}

export interface WatchOpts extends UserOpt {
  recursive?: boolean;
  includeEntry?: boolean;
}

export interface Watch {
  stop(): Promise<void>;
}

/** `sandbox.files` of one client. */
export interface FilesUnderTest {
  readText(path: string, opts?: UserOpt): Promise<string>;
  readBytes(path: string, opts?: UserOpt): Promise<Uint8Array>;
  write(path: string, data: string | Uint8Array, opts?: UserOpt & { metadata?: Record<string, string> }): Promise<Written>;
  writeMany(files: Array<{ path: string; data: string | Uint8Array }>, opts?: UserOpt & { metadata?: Record<string, string> }): Promise<Written[]>;
  list(path: string, opts?: UserOpt & { depth?: number }): Promise<Entry[]>;
  getInfo(path: string, opts?: UserOpt): Promise<Entry>;
  exists(path: string, opts?: UserOpt): Promise<boolean>;
  rename(from: string, to: string, opts?: UserOpt): Promise<Entry>;
  remove(path: string, opts?: UserOpt): Promise<void>;
  makeDir(path: string, opts?: UserOpt): Promise<boolean>;
  watchDir(path: string, onEvent: (event: FsEvent) => void, opts?: WatchOpts): Promise<Watch>;
}

export interface RunResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface UrlOpts {
  user?: string;
  useSignatureExpiration?: number;
}

/** A sandbox as one client holds it. */
export interface FilesSandbox {
  sandboxId: string;
  accessToken: string | undefined;
  files: FilesUnderTest;
  /** `commands.run`; a non-zero exit comes back as a result, not an error. */
  run(cmd: string, opts?: UserOpt): Promise<RunResult>;
  uploadUrl(path?: string, opts?: UrlOpts): Promise<string>;
  downloadUrl(path: string, opts?: UrlOpts): Promise<string>;
  kill(): Promise<boolean>;
}

type ErrorClass = abstract new (...args: never[]) => Error;

/** One client library, bound to the local backend. */
export interface FilesClient {
  label: string;
  errors: {
    SandboxError: ErrorClass;
    NotFoundError: ErrorClass;
    FileNotFoundError: ErrorClass;
    InvalidArgumentError: ErrorClass;
    AuthenticationError: ErrorClass;
  };
  create(opts?: { timeoutMs?: number }): Promise<FilesSandbox>;
  connect(sandboxId: string): Promise<FilesSandbox>;
}

// ---------------------------------------------------------------------------------------------
// Helpers

/** Only the fields that are set (the SDK sets absent ones to undefined, ours leaves them out). */
export function plainEntry(e: Entry): Entry {
  const out: Entry = { name: e.name, path: e.path, size: e.size, mode: e.mode, permissions: e.permissions, owner: e.owner, group: e.group };
  if (e.type !== undefined) out.type = e.type;
  if (e.modifiedTime !== undefined) out.modifiedTime = e.modifiedTime;
  if (e.symlinkTarget !== undefined) out.symlinkTarget = e.symlinkTarget;
  if (e.metadata !== undefined) out.metadata = { ...e.metadata };
  return out;
}

export function plainWritten(w: Written): Written {
  const out: Written = { name: w.name, path: w.path };
  if (w.type !== undefined) out.type = w.type;
  if (w.metadata !== undefined) out.metadata = { ...w.metadata };
  return out;
}

/** An entry without its modification time (for entries made at different moments). */
export function timeless(e: Entry): Omit<Entry, 'modifiedTime'> {
  const { modifiedTime: _t, ...rest } = plainEntry(e);
  return rest;
}

/** A modification time that is a real date, close to this machine's clock (the backend is local). */
export function expectRecent(date: Date | undefined): void {
  expect(date).toBeInstanceOf(Date);
  const skew = Math.abs(date!.getTime() - Date.now());
  expect(skew, `modifiedTime ${date!.toISOString()} is not recent`).toBeLessThan(10 * 60_000);
}

/** Names of an error's class and its ancestors, e.g. FileNotFoundError → NotFoundError → SandboxError → Error. */
export function classChain(error: Error): string[] {
  const names: string[] = [];
  for (let proto = Object.getPrototypeOf(error); proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
    names.push(proto.constructor.name);
  }
  return names;
}

/** Checks that a call fails with the client's error class `kind` (and its name). */
export async function expectError(client: FilesClient, kind: keyof FilesClient['errors'], promise: Promise<unknown>, what: string = kind): Promise<Error> {
  const error = await rejection(promise);
  expect(error, `${what}: ${error.name}: ${error.message}`).toBeInstanceOf(client.errors[kind]);
  expect(error.name, what).toBe(kind);
  return error;
}

/** Collects watch events and waits (with a deadline) for the one a test expects. */
export class EventLog {
  readonly events: FsEvent[] = [];
  private waiters: Array<() => void> = [];

  readonly push = (event: FsEvent): void => {
    this.events.push(event);
    for (const wake of this.waiters.splice(0)) wake();
  };

  /** Index where events from now on start (to look only at what follows an operation). */
  mark(): number {
    return this.events.length;
  }

  /** Resolves with the first event at or after `from` that matches; fails after `deadlineMs`. */
  async until(match: (e: FsEvent) => boolean, label: string, from = 0, deadlineMs = 20_000): Promise<FsEvent> {
    const end = Date.now() + deadlineMs;
    for (;;) {
      const found = this.events.slice(from).find(match);
      if (found) return found;
      const left = end - Date.now();
      if (left <= 0) throw new Error(`no ${label} event within ${deadlineMs} ms; got ${JSON.stringify(this.summary(from))}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 250));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Waits for an event of `type` named `name`. */
  expect(type: string, name: string, from = 0): Promise<FsEvent> {
    return this.until((e) => e.type === type && e.name === name, `${type} ${name}`, from);
  }

  /** [type, name] of every event from `from` on. */
  summary(from = 0): Array<[string, string]> {
    return this.events.slice(from).map((e) => [e.type, e.name]);
  }
}

/** `n` random bytes. */
export const randomData = (n: number): Uint8Array => new Uint8Array(randomBytes(n));

/** Plain HTTP upload of files to a (signed) upload URL: multipart form, one `file` part each. */
export async function postFiles(url: string, files: Array<{ filename: string; data: string | Uint8Array }>): Promise<Response> {
  const form = new FormData();
  for (const f of files) form.append('file', new Blob([typeof f.data === 'string' ? f.data : Buffer.from(f.data)]), f.filename);
  return fetch(url, { method: 'POST', body: form });
}

/** A `GET /files` routed to the sandbox by header (as the SDKs do), with no token and no signature. */
export async function unsignedGet(env: LocalEnv, sandboxId: string, path: string): Promise<Response> {
  return fetch(`${env.E2B_SANDBOX_URL}/files?path=${encodeURIComponent(path)}`, { headers: { 'E2b-Sandbox-Id': sandboxId, 'E2b-Sandbox-Port': '49983' } });
}

/** A symlink tree used by the list and getInfo scenarios (made with the client's own calls). */
export async function makeTree(sandbox: FilesSandbox, base: string): Promise<void> {
  await sandbox.files.writeMany([
    { path: `${base}/a.txt`, data: 'a' },
    { path: `${base}/b/c.txt`, data: 'cc' },
    { path: `${base}/b/d/e.txt`, data: 'eee' },
  ]);
  const made = await sandbox.run(`cd '${base}' && ln -s a.txt link-a && ln -s b link-b && ln -s nowhere dangling`);
  expect(made).toEqual({ exitCode: 0, stdout: '', stderr: '' });
}

/** Relative paths of entries under `base`, in the order listed. */
export const relPaths = (entries: Entry[], base: string): string[] => entries.map((e) => e.path.slice(base.length + 1));

// ---------------------------------------------------------------------------------------------
// Scenarios

/**
 * Registers the scenarios for one client. `client()` and `env()` are read when the tests run
 * (the backend starts in the caller's beforeAll). Every test works in folders of its own.
 */
export function defineFilesScenarios(client: () => FilesClient, env: () => LocalEnv): void {
  let sandbox: FilesSandbox;
  let f: FilesUnderTest;
  beforeAll(async () => {
    sandbox = await client().create({ timeoutMs: 600_000 });
    f = sandbox.files;
  });
  afterAll(async () => {
    await sandbox?.kill().catch(() => false);
  });

  describe('read and write', () => {
    it('text round-trips (UTF-8 included); write reports path, name and type', async () => {
      const path = `/tmp/text-${unique()}/hello.txt`;
      const text = 'hello\nwörld ✓ 😀\r\n\ttabs and\0nul';
      const written = plainWritten(await f.write(path, text));
      expect(written).toEqual({ path, name: 'hello.txt', type: 'file' });
      expect(await f.readText(path)).toBe(text);
      expect(sha256(await f.readBytes(path))).toBe(sha256(Buffer.from(text, 'utf8')));
      // What a process in the sandbox sees.
      expect((await sandbox.run(`sha256sum '${path}'`)).stdout.split(' ')[0]).toBe(sha256(Buffer.from(text, 'utf8')));
    });

    it('bytes round-trip: every byte value, and 20 MB of random bytes (sha256 here, in the sandbox and read back)', async () => {
      const dir = `/tmp/bytes-${unique()}`;
      const all = new Uint8Array(256 * 4).map((_, i) => i % 256);
      await f.write(`${dir}/all.bin`, all);
      expect(Buffer.from(await f.readBytes(`${dir}/all.bin`)).equals(Buffer.from(all))).toBe(true);

      const big = randomData(20_000_000);
      const digest = sha256(big);
      expect(plainWritten(await f.write(`${dir}/big.bin`, big))).toEqual({ path: `${dir}/big.bin`, name: 'big.bin', type: 'file' });
      const inSandbox = await sandbox.run(`sha256sum ${dir}/big.bin && stat -c %s ${dir}/big.bin`);
      expect(inSandbox.stdout).toBe(`${digest}  ${dir}/big.bin\n20000000\n`);
      expect((await f.getInfo(`${dir}/big.bin`)).size).toBe(20_000_000);
      const back = await f.readBytes(`${dir}/big.bin`);
      expect(back.length).toBe(20_000_000);
      expect(sha256(back)).toBe(digest);
      await f.remove(dir);
    });

    it('empty files: written from "" and from zero bytes, read back as "" and as zero bytes', async () => {
      const dir = `/tmp/empty-${unique()}`;
      await f.write(`${dir}/from-text`, '');
      await f.write(`${dir}/from-bytes`, new Uint8Array(0));
      for (const name of ['from-text', 'from-bytes']) {
        expect(await f.readText(`${dir}/${name}`)).toBe('');
        const bytes = await f.readBytes(`${dir}/${name}`);
        expect(bytes).toBeInstanceOf(Uint8Array);
        expect(bytes.length).toBe(0);
        expect((await f.getInfo(`${dir}/${name}`)).size).toBe(0);
      }
      // Overwriting with less truncates; with nothing empties.
      await f.write(`${dir}/from-text`, 'long content');
      await f.write(`${dir}/from-text`, 'short');
      expect(await f.readText(`${dir}/from-text`)).toBe('short');
      await f.write(`${dir}/from-text`, '');
      expect(await f.readText(`${dir}/from-text`)).toBe('');
    });

    it('unicode and spaced names: written, read, listed and seen by processes under their exact names', async () => {
      const dir = `/tmp/ünï cödé ✓ ${unique()}`;
      const path = `${dir}/fi le (1) ü ✓ 😀.txt`;
      const written = plainWritten(await f.write(path, 'named'));
      expect(written).toEqual({ path, name: 'fi le (1) ü ✓ 😀.txt', type: 'file' });
      expect(await f.readText(path)).toBe('named');
      expect((await f.list(dir)).map((e) => [e.name, e.path])).toEqual([['fi le (1) ü ✓ 😀.txt', path]]);
      expect((await f.getInfo(path)).name).toBe('fi le (1) ü ✓ 😀.txt');
      expect((await sandbox.run(`cat '${path}'`)).stdout).toBe('named');
      // Quotes and backslashes in names are plain characters too.
      const odd = `${dir}/q"uo'te\\back.txt`;
      await f.write(odd, 'odd');
      expect(await f.readText(odd)).toBe('odd');
      expect((await f.getInfo(odd)).name).toBe(`q"uo'te\\back.txt`);
    });

    it('relative paths and ~ resolve against the user home (/home/user; /root for root)', async () => {
      const dir = `rel-${unique()}`;
      expect(plainWritten(await f.write(`${dir}/a.txt`, 'rel'))).toEqual({ path: `/home/user/${dir}/a.txt`, name: 'a.txt', type: 'file' });
      expect(await f.readText(`/home/user/${dir}/a.txt`)).toBe('rel');
      expect(await f.readText(`~/${dir}/a.txt`)).toBe('rel');
      expect((await f.getInfo(dir)).path).toBe(`/home/user/${dir}`);
      expect((await f.getInfo('~')).path).toBe('/home/user');
      expect((await f.list(dir)).map((e) => e.path)).toEqual([`/home/user/${dir}/a.txt`]);
      expect(await f.exists(`${dir}/a.txt`)).toBe(true);
      // As root the same relative path lands in /root.
      expect((await f.write(`${dir}/r.txt`, 'root', { user: 'root' })).path).toBe(`/root/${dir}/r.txt`);
      expect((await f.getInfo(`~/${dir}/r.txt`, { user: 'root' })).path).toBe(`/root/${dir}/r.txt`);
      expect(await f.exists(`${dir}/r.txt`)).toBe(false);
    });

    it('a directory cannot be read or overwritten (InvalidArgumentError)', async () => {
      const dir = `/tmp/isdir-${unique()}`;
      expect(await f.makeDir(dir)).toBe(true);
      const readDir = await expectError(client(), 'InvalidArgumentError', f.readText(dir));
      expect(readDir.message).toContain(`path '${dir}' is a directory`);
      const writeDir = await expectError(client(), 'InvalidArgumentError', f.write(dir, 'x'));
      expect(writeDir.message).toContain(`path is a directory: ${dir}`);
    });
  });

  describe('users and ownership', () => {
    it('files and created parents belong to the acting user (user by default, root when asked)', async () => {
      const dir = `/tmp/own-${unique()}`;
      await f.write(`${dir}/by-user/x.txt`, 'u');
      await f.write(`${dir}/by-root/y.txt`, 'r', { user: 'root' });
      for (const [path, who] of [
        [`${dir}/by-user/x.txt`, 'user'],
        [`${dir}/by-user`, 'user'],
        [dir, 'user'],
        [`${dir}/by-root/y.txt`, 'root'],
        [`${dir}/by-root`, 'root'],
      ]) {
        const info = await f.getInfo(path);
        expect([info.owner, info.group], path).toEqual([who, who]);
      }
      expect((await sandbox.run(`stat -c %U:%G ${dir}/by-root/y.txt ${dir}/by-user/x.txt`)).stdout).toBe('root:root\nuser:user\n');
      // Overwriting as the other user hands the file over.
      await f.write(`${dir}/by-root/y.txt`, 'now mine');
      expect((await f.getInfo(`${dir}/by-root/y.txt`)).owner).toBe('user');
    });

    it('root writes and reads /root; user may too through envd (which acts as root), though its processes cannot', async () => {
      const dir = `/root/conf-${unique()}`;
      await f.write(`${dir}/by-root.txt`, 'secret', { user: 'root' });
      expect(await f.readText(`${dir}/by-root.txt`, { user: 'root' })).toBe('secret');
      expect(await f.readText(`${dir}/by-root.txt`)).toBe('secret');
      const root = await f.getInfo('/root');
      expect([root.owner, root.permissions]).toEqual(['root', 'drwx------']);

      // envd writes as root and only chowns to the user: the write succeeds, the file is the user's.
      expect(plainWritten(await f.write(`${dir}/by-user.txt`, 'mine'))).toEqual({ path: `${dir}/by-user.txt`, name: 'by-user.txt', type: 'file' });
      const info = await f.getInfo(`${dir}/by-user.txt`);
      expect([info.owner, info.group]).toEqual(['user', 'user']);
      // The user's own processes cannot get into /root at all.
      const denied = await sandbox.run(`cat ${dir}/by-user.txt`);
      expect(denied.exitCode).not.toBe(0);
      expect(denied.stderr).toContain('Permission denied');
      expect((await sandbox.run(`cat ${dir}/by-user.txt`, { user: 'root' })).stdout).toBe('mine');
    });

    it('an unknown user is an AuthenticationError for reads, writes and filesystem calls', async () => {
      const nobody = `nobody-${unique()}`;
      const calls: Array<[string, () => Promise<unknown>]> = [
        ['readText', () => f.readText('/tmp', { user: nobody })],
        ['write', () => f.write('/tmp/x', 'x', { user: nobody })],
        ['list', () => f.list('/tmp', { user: nobody })],
        ['getInfo', () => f.getInfo('/tmp', { user: nobody })],
        ['makeDir', () => f.makeDir(`/tmp/${nobody}`, { user: nobody })],
      ];
      for (const [what, call] of calls) {
        const error = await rejection(call());
        expect(error, `${what}: ${error.name}: ${error.message}`).toBeInstanceOf(client().errors.AuthenticationError);
        expect(error.name, what).toBe('AuthenticationError');
        expect(error.message, what).toContain(nobody);
      }
      expect(await f.exists(`/tmp/${nobody}`)).toBe(false);
    });
  });

  describe('multi-file write', () => {
    it('writes files in different folders in one call, creating parents; results in order', async () => {
      const base = `mf-${unique()}`;
      const bytes = randomData(100_000);
      const files = [
        { path: `/tmp/${base}/one/1.txt`, data: 'one' },
        { path: `${base}/two/deep/er/2.bin`, data: bytes },
        { path: `/tmp/${base}/spaced ✓/3 ✓.txt`, data: '' },
      ];
      const written = (await f.writeMany(files)).map(plainWritten);
      expect(written).toEqual([
        { path: `/tmp/${base}/one/1.txt`, name: '1.txt', type: 'file' },
        { path: `/home/user/${base}/two/deep/er/2.bin`, name: '2.bin', type: 'file' },
        { path: `/tmp/${base}/spaced ✓/3 ✓.txt`, name: '3 ✓.txt', type: 'file' },
      ]);
      expect(await f.readText(`/tmp/${base}/one/1.txt`)).toBe('one');
      expect(sha256(await f.readBytes(`/home/user/${base}/two/deep/er/2.bin`))).toBe(sha256(bytes));
      expect(await f.readText(`/tmp/${base}/spaced ✓/3 ✓.txt`)).toBe('');
      for (const dir of [`/home/user/${base}`, `/home/user/${base}/two/deep`, `/home/user/${base}/two/deep/er`, `/tmp/${base}/spaced ✓`]) {
        const info = plainEntry(await f.getInfo(dir));
        expect(info, dir).toMatchObject({ type: 'dir', mode: 0o755, permissions: 'drwxr-xr-x', owner: 'user', group: 'user' });
      }
      expect(await f.writeMany([])).toEqual([]);
    });

    it('as root: every file and created folder is root-owned', async () => {
      const base = `/tmp/mf-root-${unique()}`;
      const written = await f.writeMany(
        [
          { path: `${base}/a/x.txt`, data: 'x' },
          { path: `${base}/b/y.txt`, data: 'y' },
        ],
        { user: 'root' },
      );
      expect(written.map((w) => w.path)).toEqual([`${base}/a/x.txt`, `${base}/b/y.txt`]);
      const owners = (await f.list(base, { depth: 2 })).map((e) => [relPaths([e], base)[0], e.owner, e.group]);
      expect(owners).toEqual([
        ['a', 'root', 'root'],
        ['a/x.txt', 'root', 'root'],
        ['b', 'root', 'root'],
        ['b/y.txt', 'root', 'root'],
      ]);
    });
  });

  describe('list', () => {
    let base: string;
    beforeAll(async () => {
      base = `/home/user/list-${unique()}`;
      await makeTree(sandbox, base);
    });

    it('depth 1, 2 and 3: depth-first in name order, entries under the requested path, symlinks not followed, dangling ones left out', async () => {
      expect(relPaths(await f.list(base), base)).toEqual(['a.txt', 'b', 'link-a', 'link-b']);
      expect(relPaths(await f.list(base, { depth: 1 }), base)).toEqual(['a.txt', 'b', 'link-a', 'link-b']);
      expect(relPaths(await f.list(base, { depth: 2 }), base)).toEqual(['a.txt', 'b', 'b/c.txt', 'b/d', 'link-a', 'link-b']);
      expect(relPaths(await f.list(base, { depth: 3 }), base)).toEqual(['a.txt', 'b', 'b/c.txt', 'b/d', 'b/d/e.txt', 'link-a', 'link-b']);
      expect(relPaths(await f.list(base, { depth: 10 }), base)).toEqual(relPaths(await f.list(base, { depth: 3 }), base));
      // Names are base names; paths sit under the requested path.
      const deep = await f.list(base, { depth: 3 });
      for (const e of deep) {
        expect(e.path.startsWith(`${base}/`)).toBe(true);
        expect(e.name).toBe(e.path.split('/').pop());
      }
    });

    it('types, modes and permissions; a symlink has its target type and mode, Lrwxrwxrwx and an absolute symlinkTarget', async () => {
      const byName = new Map((await f.list(base)).map((e) => [e.name, plainEntry(e)]));
      expect(byName.get('a.txt')).toMatchObject({ type: 'file', size: 1, mode: 0o644, permissions: '-rw-r--r--', owner: 'user', group: 'user' });
      expect(byName.get('a.txt')!.symlinkTarget).toBeUndefined();
      expect(byName.get('b')).toMatchObject({ type: 'dir', mode: 0o755, permissions: 'drwxr-xr-x', owner: 'user', group: 'user' });
      expect(byName.get('link-a')).toMatchObject({
        type: 'file',
        size: 'a.txt'.length,
        mode: 0o644,
        permissions: 'Lrwxrwxrwx',
        symlinkTarget: `${base}/a.txt`,
      });
      expect(byName.get('link-b')).toMatchObject({ type: 'dir', size: 'b'.length, mode: 0o755, permissions: 'Lrwxrwxrwx', symlinkTarget: `${base}/b` });
      for (const e of byName.values()) expectRecent(e.modifiedTime);
    });

    it('through a symlinked folder, relative paths and ~: paths stay as requested', async () => {
      expect(relPaths(await f.list(`${base}/link-b`), `${base}/link-b`)).toEqual(['c.txt', 'd']);
      const rel = base.slice('/home/user/'.length);
      expect(relPaths(await f.list(rel), base)).toEqual(['a.txt', 'b', 'link-a', 'link-b']);
      expect(relPaths(await f.list(`~/${rel}/b`, { depth: 2 }), `${base}/b`)).toEqual(['c.txt', 'd', 'd/e.txt']);
      expect(await f.list(`${base}/b/d/..`)).toEqual(await f.list(`${base}/b`));
    });

    it('an empty folder lists as []; depth < 1 is an InvalidArgumentError; a file is an InvalidArgumentError', async () => {
      await f.makeDir(`${base}-empty`);
      expect(await f.list(`${base}-empty`)).toEqual([]);
      await expectError(client(), 'InvalidArgumentError', f.list(base, { depth: 0 }), 'depth 0');
      const notDir = await expectError(client(), 'InvalidArgumentError', f.list(`${base}/a.txt`), 'list of a file');
      expect(notDir.message).toContain('not a directory');
    });
  });

  describe('getInfo and exists', () => {
    let base: string;
    beforeAll(async () => {
      base = `/home/user/info-${unique()}`;
      await makeTree(sandbox, base);
    });

    it('a file: name, type, path, size, mode 420, -rw-r--r--, owner, group, recent modifiedTime; no symlinkTarget or metadata', async () => {
      const info = plainEntry(await f.getInfo(`${base}/b/d/e.txt`));
      expectRecent(info.modifiedTime);
      expect(timeless(info)).toEqual({
        name: 'e.txt',
        type: 'file',
        path: `${base}/b/d/e.txt`,
        size: 3,
        mode: 420,
        permissions: '-rw-r--r--',
        owner: 'user',
        group: 'user',
      });
    });

    it('a folder: type dir, mode 493, drwxr-xr-x; a changed mode shows in mode and permissions', async () => {
      const dir = plainEntry(await f.getInfo(`${base}/b`));
      expect(dir).toMatchObject({ name: 'b', type: 'dir', path: `${base}/b`, mode: 493, permissions: 'drwxr-xr-x', owner: 'user', group: 'user' });
      expect(dir.size).toBeGreaterThan(0);
      expectRecent(dir.modifiedTime);
      await sandbox.run(`chmod 750 ${base}/b/c.txt && chmod 700 ${base}/b/d`);
      expect(await f.getInfo(`${base}/b/c.txt`)).toMatchObject({ mode: 0o750, permissions: '-rwxr-x---' });
      expect(await f.getInfo(`${base}/b/d`)).toMatchObject({ mode: 0o700, permissions: 'drwx------' });
      const tmp = await f.getInfo('/tmp');
      expect([tmp.type, tmp.mode, tmp.permissions, tmp.owner]).toEqual(['dir', 0o777, 'dtrwxrwxrwx', 'root']);
    });

    it('a symlink: its own name, path, size and Lrwxrwxrwx; its target type, mode and absolute path', async () => {
      const link = plainEntry(await f.getInfo(`${base}/link-a`));
      expect(timeless(link)).toEqual({
        name: 'link-a',
        type: 'file',
        path: `${base}/link-a`,
        size: 5,
        mode: 420,
        permissions: 'Lrwxrwxrwx',
        owner: 'user',
        group: 'user',
        symlinkTarget: `${base}/a.txt`,
      });
      expect(plainEntry(await f.getInfo(`${base}/link-b`))).toMatchObject({ type: 'dir', mode: 493, symlinkTarget: `${base}/b` });
      // Dangling: no type, mode 0, and the link's own path as its target.
      const dangling = plainEntry(await f.getInfo(`${base}/dangling`));
      expect(timeless(dangling)).toEqual({
        name: 'dangling',
        path: `${base}/dangling`,
        size: 'nowhere'.length,
        mode: 0,
        permissions: 'Lrwxrwxrwx',
        owner: 'user',
        group: 'user',
        symlinkTarget: `${base}/dangling`,
      });
    });

    it('exists: true for files, folders and symlinks (dangling too), false for missing paths', async () => {
      for (const path of [`${base}/a.txt`, `${base}/b`, `${base}/link-a`, `${base}/dangling`, base, '/', '~', '.']) {
        expect(await f.exists(path), path).toBe(true);
      }
      for (const path of [`${base}/nope`, `${base}/b/nope/deeper`, `/nope-${unique()}`]) {
        expect(await f.exists(path), path).toBe(false);
      }
    });
  });

  describe('rename', () => {
    it('renames a file in place: the new entry, contents kept, old path gone', async () => {
      const dir = `/home/user/mv-${unique()}`;
      await f.write(`${dir}/old.txt`, 'contents');
      const moved = plainEntry(await f.rename(`${dir}/old.txt`, `${dir}/new name ✓.txt`));
      expect(timeless(moved)).toEqual({
        name: 'new name ✓.txt',
        type: 'file',
        path: `${dir}/new name ✓.txt`,
        size: 8,
        mode: 420,
        permissions: '-rw-r--r--',
        owner: 'user',
        group: 'user',
      });
      expect(await f.exists(`${dir}/old.txt`)).toBe(false);
      expect(await f.readText(`${dir}/new name ✓.txt`)).toBe('contents');
    });

    it('moves into folders that do not exist yet (created for the user), relative paths included; folders move whole', async () => {
      const name = `mv-${unique()}`;
      await f.write(`${name}/src/f.txt`, 'f');
      await f.write(`${name}/src/sub/g.txt`, 'g');
      const moved = await f.rename(`${name}/src`, `${name}/x/y/dst`);
      expect([moved.path, moved.type]).toEqual([`/home/user/${name}/x/y/dst`, 'dir']);
      expect(relPaths(await f.list(`${name}/x/y/dst`, { depth: 2 }), `/home/user/${name}/x/y/dst`)).toEqual(['f.txt', 'sub', 'sub/g.txt']);
      expect((await f.getInfo(`${name}/x`)).owner).toBe('user');
      expect(await f.exists(`${name}/src`)).toBe(false);
    });

    it('replaces an existing destination file', async () => {
      const dir = `/tmp/mv-over-${unique()}`;
      await f.write(`${dir}/a`, 'from a');
      await f.write(`${dir}/b`, 'old b');
      expect((await f.rename(`${dir}/a`, `${dir}/b`)).size).toBe(6);
      expect(await f.readText(`${dir}/b`)).toBe('from a');
      expect(relPaths(await f.list(dir), dir)).toEqual(['b']);
    });

    it('across /home and /tmp (separate mounts locally): contents, mode, owner, times and metadata kept, both ways, files and folders', async () => {
      const id = unique();
      const home = `/home/user/cross-${id}`;
      await f.write(`${home}/file.txt`, 'across', { metadata: { kept: 'yes' } });
      await f.write(`${home}/tree/inner/leaf.txt`, 'leaf', { user: 'root' });
      await sandbox.run(`chmod 600 ${home}/file.txt`, { user: 'root' });
      const before = plainEntry(await f.getInfo(`${home}/file.txt`));

      const toTmp = plainEntry(await f.rename(`${home}/file.txt`, `/tmp/cross-${id}/file.txt`));
      expect(toTmp).toEqual({ ...before, path: `/tmp/cross-${id}/file.txt` });
      expect(toTmp).toMatchObject({ mode: 0o600, permissions: '-rw-------', owner: 'user', metadata: { kept: 'yes' } });
      expect(await f.exists(`${home}/file.txt`)).toBe(false);
      expect(await f.readText(`/tmp/cross-${id}/file.txt`)).toBe('across');

      const treeBefore = (await f.list(`${home}/tree`, { depth: 3 })).map((e) => ({ ...timeless(e), path: relPaths([e], `${home}/tree`)[0] }));
      const tree = await f.rename(`${home}/tree`, `/tmp/cross-${id}/tree`);
      expect(tree.type).toBe('dir');
      const treeAfter = (await f.list(`/tmp/cross-${id}/tree`, { depth: 3 })).map((e) => ({ ...timeless(e), path: relPaths([e], `/tmp/cross-${id}/tree`)[0] }));
      expect(treeAfter).toEqual(treeBefore);
      expect(treeAfter.map((e) => [e.path, e.owner])).toEqual([
        ['inner', 'root'],
        ['inner/leaf.txt', 'root'],
      ]);
      expect(await f.exists(`${home}/tree`)).toBe(false);

      const back = plainEntry(await f.rename(`/tmp/cross-${id}/file.txt`, `${home}/back.txt`));
      expect(back).toEqual({ ...before, name: 'back.txt', path: `${home}/back.txt` });
      expect(await f.readText(`${home}/back.txt`)).toBe('across');
    });

    it('a missing source is a FileNotFoundError', async () => {
      const missing = `/tmp/nope-${unique()}`;
      const error = await expectError(client(), 'FileNotFoundError', f.rename(missing, `${missing}-2`));
      expect(error).toBeInstanceOf(client().errors.NotFoundError);
      expect(await f.exists(`${missing}-2`)).toBe(false);
    });
  });

  describe('remove', () => {
    it('removes a file, a folder tree and a symlink (not its target); a missing path is success', async () => {
      const base = `/home/user/rm-${unique()}`;
      await makeTree(sandbox, base);
      expect(await f.remove(`${base}/a.txt`)).toBeUndefined();
      expect(await f.exists(`${base}/a.txt`)).toBe(false);
      await f.remove(`${base}/link-b`);
      expect(await f.exists(`${base}/link-b`)).toBe(false);
      expect(relPaths(await f.list(`${base}/b`, { depth: 2 }), `${base}/b`)).toEqual(['c.txt', 'd', 'd/e.txt']);
      await f.remove(`${base}/b`);
      expect(await f.exists(`${base}/b`)).toBe(false);
      await f.remove(`${base}/dangling`);
      expect(await f.exists(`${base}/dangling`)).toBe(false);
      expect(await f.remove(`${base}/never-was`)).toBeUndefined();
      expect(await f.remove(`/tmp/nope-${unique()}/deeper/still`)).toBeUndefined();
      // link-a still points at the removed a.txt: now dangling, so list leaves it out.
      expect(await f.list(base)).toEqual([]);
      await f.remove(base);
      expect(await f.exists(base)).toBe(false);
    });
  });

  describe('makeDir', () => {
    it('creates a folder and its parents (true), then answers false; parents are 0755 and the user’s', async () => {
      const base = `/tmp/mk-${unique()}`;
      expect(await f.makeDir(`${base}/a/b/c`)).toBe(true);
      expect(await f.makeDir(`${base}/a/b/c`)).toBe(false);
      expect(await f.makeDir(`${base}/a`)).toBe(false);
      for (const path of [base, `${base}/a`, `${base}/a/b`, `${base}/a/b/c`]) {
        expect(plainEntry(await f.getInfo(path)), path).toMatchObject({ type: 'dir', mode: 0o755, permissions: 'drwxr-xr-x', owner: 'user', group: 'user' });
      }
      expect(relPaths(await f.list(base, { depth: 5 }), base)).toEqual(['a', 'a/b', 'a/b/c']);
    });

    it('as root the folders are root’s; relative paths resolve in the home; an existing file is an InvalidArgumentError', async () => {
      const id = unique();
      expect(await f.makeDir(`/tmp/mk-root-${id}/x`, { user: 'root' })).toBe(true);
      expect((await f.getInfo(`/tmp/mk-root-${id}/x`)).owner).toBe('root');
      expect(await f.makeDir(`mk-rel-${id}/y`)).toBe(true);
      expect(await f.exists(`/home/user/mk-rel-${id}/y`)).toBe(true);
      await f.write(`/tmp/mk-file-${id}`, 'a file');
      const error = await expectError(client(), 'InvalidArgumentError', f.makeDir(`/tmp/mk-file-${id}`));
      expect(error.message).toContain(`/tmp/mk-file-${id}`);
    });
  });

  describe('watchDir', () => {
    it('reports create, write, chmod, rename and remove with names relative to the folder; not nested ones; nothing after stop()', async () => {
      const dir = `/home/user/watch-${unique()}`;
      await f.makeDir(`${dir}/sub`);
      const log = new EventLog();
      const watch = await f.watchDir(dir, log.push);
      try {
        await f.write(`${dir}/f.txt`, 'one');
        await log.expect('create', 'f.txt');
        let from = log.mark();
        await f.write(`${dir}/f.txt`, 'two');
        await log.expect('write', 'f.txt', from);
        from = log.mark();
        await sandbox.run(`chmod 600 ${dir}/f.txt`);
        await log.expect('chmod', 'f.txt', from);
        from = log.mark();
        await f.rename(`${dir}/f.txt`, `${dir}/g.txt`);
        await Promise.all([log.expect('rename', 'f.txt', from), log.expect('create', 'g.txt', from)]);
        // Not recursive: nested changes stay unseen (checked once a later top-level event arrived).
        from = log.mark();
        await f.write(`${dir}/sub/nested.txt`, 'n');
        await f.write(`${dir}/sentinel.txt`, 's');
        await log.expect('create', 'sentinel.txt', from);
        expect(log.events.filter((e) => e.name.includes('nested'))).toEqual([]);
        from = log.mark();
        await f.remove(`${dir}/g.txt`);
        await log.expect('remove', 'g.txt', from);
        // Without includeEntry no event carries an entry.
        expect(log.events.filter((e) => e.entry !== undefined)).toEqual([]);
        for (const e of log.events) expect(['create', 'write', 'remove', 'rename', 'chmod']).toContain(e.type);
      } finally {
        await watch.stop();
      }
      // After stop(), nothing more arrives: a second watch sees its sentinel, the first saw nothing.
      const seen = log.mark();
      await f.write(`${dir}/after-stop.txt`, 'late');
      const second = new EventLog();
      const watch2 = await f.watchDir(dir, second.push);
      try {
        await f.write(`${dir}/sentinel-2.txt`, 's');
        await second.expect('create', 'sentinel-2.txt');
      } finally {
        await watch2.stop();
      }
      expect(log.summary(seen)).toEqual([]);
    });

    it('recursive watch sees nested events (names relative to the watched folder), new folders included; includeEntry gives entries', async () => {
      const dir = `/home/user/rwatch-${unique()}`;
      await f.makeDir(`${dir}/sub/deep`);
      const log = new EventLog();
      const watch = await f.watchDir(dir, log.push, { recursive: true, includeEntry: true });
      try {
        let from = log.mark();
        await f.write(`${dir}/sub/deep/x.txt`, 'xyz');
        const created = await log.expect('create', 'sub/deep/x.txt', from);
        expect(plainEntry(created.entry!)).toMatchObject({ name: 'x.txt', type: 'file', path: `${dir}/sub/deep/x.txt`, owner: 'user' });
        const write = await log.until((e) => e.type === 'write' && e.name === 'sub/deep/x.txt' && e.entry?.size === 3, 'write sub/deep/x.txt (3 bytes)', from);
        // envd chowns a new file before writing into it: by the time it has content, it is the user's.
        expect(plainEntry(write.entry!)).toMatchObject({ name: 'x.txt', type: 'file', path: `${dir}/sub/deep/x.txt`, size: 3, mode: 0o644, owner: 'user' });
        expectRecent(write.entry!.modifiedTime);
        from = log.mark();
        await sandbox.run(`chmod 640 '${dir}/sub/deep/x.txt'`);
        const chmod = await log.until((e) => e.type === 'chmod' && e.name === 'sub/deep/x.txt' && e.entry?.mode === 0o640, 'chmod sub/deep/x.txt', from);
        expect(chmod.entry!.permissions).toBe('-rw-r-----');
        from = log.mark();
        await f.rename(`${dir}/sub/deep/x.txt`, `${dir}/sub/y.txt`);
        const renamed = await log.expect('rename', 'sub/deep/x.txt', from);
        expect(renamed.entry).toBeUndefined();
        const arrived = await log.expect('create', 'sub/y.txt', from);
        expect(plainEntry(arrived.entry!)).toMatchObject({ name: 'y.txt', path: `${dir}/sub/y.txt`, mode: 0o640 });
        from = log.mark();
        await f.remove(`${dir}/sub/y.txt`);
        const removed = await log.expect('remove', 'sub/y.txt', from);
        expect(removed.entry).toBeUndefined();
        // A folder made while watching is watched too.
        from = log.mark();
        await f.makeDir(`${dir}/fresh`);
        expect(plainEntry((await log.expect('create', 'fresh', from)).entry!)).toMatchObject({
          name: 'fresh',
          type: 'dir',
          path: `${dir}/fresh`,
          owner: 'user',
        });
        from = log.mark();
        await f.write(`${dir}/fresh/z.txt`, 'z');
        await log.expect('create', 'fresh/z.txt', from);
        // Entries only ever come with create, write and chmod.
        for (const e of log.events) if (e.entry) expect(['create', 'write', 'chmod']).toContain(e.type);
      } finally {
        await watch.stop();
      }
    });

    it('entries of names envd creates for the user show the user as owner, never the root moment before', async () => {
      const dir = `/home/user/owned-${unique()}`;
      await f.makeDir(dir);
      const log = new EventLog();
      const watch = await f.watchDir(dir, log.push, { recursive: true, includeEntry: true });
      const names = Array.from({ length: 12 }, (_, i) => `n${i}`);
      try {
        const from = log.mark();
        await Promise.all(names.map((n) => f.makeDir(`${dir}/${n}/inner`)));
        await Promise.all(names.map((n) => f.write(`${dir}/file-${n}.txt`, n)));
        for (const n of names) {
          for (const name of [n, `${n}/inner`, `file-${n}.txt`]) {
            const created = await log.expect('create', name, from);
            expect({ name, owner: created.entry?.owner }).toEqual({ name, owner: 'user' });
          }
        }
      } finally {
        await watch.stop();
      }
    });

    it('a missing folder is a FileNotFoundError; a file is an InvalidArgumentError', async () => {
      const missing = `/tmp/nope-${unique()}`;
      await expectError(
        client(),
        'FileNotFoundError',
        f.watchDir(missing, () => {}),
      );
      await f.write(`${missing}-file`, 'x');
      await expectError(
        client(),
        'InvalidArgumentError',
        f.watchDir(`${missing}-file`, () => {}),
      );
    });
  });

  describe('metadata', () => {
    it('upload metadata (keys lower-cased) shows in the write result, getInfo, list and through a symlink; every upload replaces it', async () => {
      const dir = `/tmp/meta-${unique()}`;
      const metadata = { Owner: 'Me', 'x-kind': 'a b=c; "d"', empty: '' };
      const expected = { owner: 'Me', 'x-kind': 'a b=c; "d"', empty: '' };
      const written = plainWritten(await f.write(`${dir}/m.txt`, 'm', { metadata }));
      expect(written).toEqual({ path: `${dir}/m.txt`, name: 'm.txt', type: 'file', metadata: expected });
      expect((await f.getInfo(`${dir}/m.txt`)).metadata).toEqual(expected);
      expect((await f.list(dir)).map((e) => [e.name, e.metadata])).toEqual([['m.txt', expected]]);
      await sandbox.run(`ln -s m.txt ${dir}/link`);
      expect((await f.getInfo(`${dir}/link`)).metadata).toEqual(expected);
      // Same-folder rename keeps it (it belongs to the file).
      await f.rename(`${dir}/m.txt`, `${dir}/n.txt`);
      expect((await f.getInfo(`${dir}/n.txt`)).metadata).toEqual(expected);
      // Another upload replaces the whole set; one without metadata clears it.
      await f.write(`${dir}/n.txt`, 'n', { metadata: { other: '1' } });
      expect((await f.getInfo(`${dir}/n.txt`)).metadata).toEqual({ other: '1' });
      const plain = plainWritten(await f.write(`${dir}/n.txt`, 'n2'));
      expect(plain.metadata).toBeUndefined();
      expect((await f.getInfo(`${dir}/n.txt`)).metadata).toBeUndefined();
      // Folders have none.
      expect((await f.getInfo(dir)).metadata).toBeUndefined();
    });

    it('a multi-file write applies the same metadata to every file; invalid keys and values are InvalidArgumentErrors', async () => {
      const dir = `/tmp/meta-many-${unique()}`;
      const written = await f.writeMany(
        [
          { path: `${dir}/a`, data: 'a' },
          { path: `${dir}/sub/b`, data: 'b' },
        ],
        { metadata: { batch: '7' } },
      );
      expect(written.map(plainWritten)).toEqual([
        { path: `${dir}/a`, name: 'a', type: 'file', metadata: { batch: '7' } },
        { path: `${dir}/sub/b`, name: 'b', type: 'file', metadata: { batch: '7' } },
      ]);
      expect((await f.list(dir, { depth: 2 })).map((e) => [e.name, e.metadata])).toEqual([
        ['a', { batch: '7' }],
        ['sub', undefined],
        ['b', { batch: '7' }],
      ]);
      const invalid: Array<Record<string, string>> = [{ 'bad key': 'v' }, { '': 'v' }, { 'ok-key': 'ünïcode' }, { k: 'new\nline' }];
      for (const metadata of invalid) {
        await expectError(client(), 'InvalidArgumentError', f.write(`${dir}/bad`, 'x', { metadata }), JSON.stringify(metadata));
      }
      expect(await f.exists(`${dir}/bad`)).toBe(false);
    });
  });

  describe('signed URLs with plain HTTP', () => {
    it('uploadUrl(path): a multipart POST with field `file` writes the file as the default user', async () => {
      const path = `/tmp/up-${unique()}/via url ✓.txt`;
      const url = await sandbox.uploadUrl(path);
      expect(new URL(url).searchParams.get('path')).toBe(path);
      expect(new URL(url).searchParams.get('signature')).toMatch(/^v1_[A-Za-z0-9+/]+$/);
      const res = await postFiles(url, [{ filename: 'ignored-name.txt', data: 'uploaded ✓' }]);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual([{ path, name: 'via url ✓.txt', type: 'file' }]);
      expect(await f.readText(path)).toBe('uploaded ✓');
      expect((await f.getInfo(path)).owner).toBe('user');
    });

    it('uploadUrl() without a path: each part goes to its filename (several files in one request); user root owns them', async () => {
      const dir = `/tmp/up-many-${unique()}`;
      const bytes = randomData(300_000);
      const url = await sandbox.uploadUrl(undefined, { user: 'root' });
      expect(new URL(url).searchParams.has('path')).toBe(false);
      expect(new URL(url).searchParams.get('username')).toBe('root');
      const res = await postFiles(url, [
        { filename: `${dir}/one.txt`, data: 'one' },
        { filename: `${dir}/nested/two.bin`, data: bytes },
      ]);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual([
        { path: `${dir}/one.txt`, name: 'one.txt', type: 'file' },
        { path: `${dir}/nested/two.bin`, name: 'two.bin', type: 'file' },
      ]);
      expect(sha256(await f.readBytes(`${dir}/nested/two.bin`))).toBe(sha256(bytes));
      expect((await f.getInfo(`${dir}/nested/two.bin`)).owner).toBe('root');
      expect((await f.getInfo(`${dir}/nested`)).owner).toBe('root');
    });

    it('downloadUrl(path): a plain GET returns the bytes (unicode names included); with an expiration in the future too', async () => {
      const dir = `/tmp/down-${unique()}`;
      const bytes = randomData(1_000_000);
      await f.write(`${dir}/data.bin`, bytes);
      const res = await fetch(await sandbox.downloadUrl(`${dir}/data.bin`));
      expect(res.status).toBe(200);
      expect(sha256(new Uint8Array(await res.arrayBuffer()))).toBe(sha256(bytes));
      expect(res.headers.get('content-disposition')).toBe('inline; filename=data.bin');

      const named = `${dir}/ünï cödé ✓.txt`;
      await f.write(named, 'named ✓');
      const namedRes = await fetch(await sandbox.downloadUrl(named));
      expect(namedRes.status).toBe(200);
      expect(await namedRes.text()).toBe('named ✓');
      expect(namedRes.headers.get('content-disposition')).toBe(`inline; filename*=utf-8''${encodeURIComponent('ünï cödé ✓.txt')}`);

      const expiring = await sandbox.downloadUrl(`${dir}/data.bin`, { useSignatureExpiration: 120 });
      const expiration = Number(new URL(expiring).searchParams.get('signature_expiration'));
      expect(Math.abs(expiration - (Math.floor(Date.now() / 1000) + 120))).toBeLessThanOrEqual(5);
      const ok = await fetch(expiring);
      expect(ok.status).toBe(200);
      expect(sha256(new Uint8Array(await ok.arrayBuffer()))).toBe(sha256(bytes));

      // As root, a root-only file (relative paths resolve in root's home).
      await f.write(`root-dl-${unique()}.txt`, 'root only', { user: 'root' }).then(async (w) => {
        const r = await fetch(await sandbox.downloadUrl(w.path, { user: 'root' }));
        expect([r.status, await r.text()]).toEqual([200, 'root only']);
      });
    });

    it('an upload URL with an expiration works until then', async () => {
      const path = `/tmp/up-exp-${unique()}.txt`;
      const res = await postFiles(await sandbox.uploadUrl(path, { useSignatureExpiration: 120 }), [{ filename: 'x', data: 'in time' }]);
      expect(res.status).toBe(200);
      expect(await f.readText(path)).toBe('in time');
    });

    it('expired, tampered, re-pointed or misused signatures and unsigned requests are refused with 401', async () => {
      const path = `/tmp/sig-${unique()}.txt`;
      await f.write(path, 'guarded');
      const other = `${path}.other`;
      await f.write(other, 'other');
      const unauthorized = async (res: Response, message: string) => {
        expect(res.status, message).toBe(401);
        const body = (await res.json()) as { code: number; message: string };
        expect(body.code).toBe(401);
        expect(body.message).toContain(message);
      };

      await unauthorized(await fetch(await sandbox.downloadUrl(path, { useSignatureExpiration: -60 })), 'signature is already expired');
      await unauthorized(
        await postFiles(await sandbox.uploadUrl(path, { useSignatureExpiration: -60 }), [{ filename: 'x', data: 'late' }]),
        'signature is already expired',
      );

      const good = new URL(await sandbox.downloadUrl(path));
      const tampered = new URL(good);
      const sig = good.searchParams.get('signature')!;
      tampered.searchParams.set('signature', sig.slice(0, -1) + (sig.endsWith('A') ? 'B' : 'A'));
      await unauthorized(await fetch(tampered), 'invalid signature');
      const repointed = new URL(good);
      repointed.searchParams.set('path', other);
      await unauthorized(await fetch(repointed), 'invalid signature');
      const extended = new URL(await sandbox.downloadUrl(path, { useSignatureExpiration: 60 }));
      extended.searchParams.set('signature_expiration', String(Number(extended.searchParams.get('signature_expiration')) + 3600));
      await unauthorized(await fetch(extended), 'invalid signature');
      const asRoot = new URL(good);
      asRoot.searchParams.set('username', 'root');
      await unauthorized(await fetch(asRoot), 'invalid signature');
      // A read link does not write, a write link does not read.
      await unauthorized(await postFiles(good.toString(), [{ filename: 'x', data: 'overwritten' }]), 'invalid signature');
      await unauthorized(await fetch(await sandbox.uploadUrl(path)), 'invalid signature');
      // No signature and no token.
      await unauthorized(await unsignedGet(env(), sandbox.sandboxId, path), 'missing signature');

      expect(await f.readText(path)).toBe('guarded');
    });

    it('a signed download of a missing file is 404, of a folder 400', async () => {
      const missing = `/tmp/nope-${unique()}`;
      const res = await fetch(await sandbox.downloadUrl(missing));
      expect(res.status).toBe(404);
      expect(await res.json()).toEqual({ code: 404, message: `path '${missing}' does not exist` });
      const dir = await fetch(await sandbox.downloadUrl('/tmp'));
      expect(dir.status).toBe(400);
    });
  });

  describe('errors for missing paths', () => {
    it('read, getInfo, list, rename and watchDir of a missing path → FileNotFoundError (a NotFoundError and SandboxError); exists → false; remove → ok', async () => {
      const missing = `/tmp/missing-${unique()}/file.txt`;
      const calls: Array<[string, () => Promise<unknown>]> = [
        ['readText', () => f.readText(missing)],
        ['readBytes', () => f.readBytes(missing)],
        ['getInfo', () => f.getInfo(missing)],
        ['list', () => f.list(missing)],
        ['rename', () => f.rename(missing, `${missing}.2`)],
        ['watchDir', () => f.watchDir(missing, () => {})],
      ];
      for (const [what, call] of calls) {
        const error = await expectError(client(), 'FileNotFoundError', call(), what);
        expect(error, what).toBeInstanceOf(client().errors.NotFoundError);
        expect(error, what).toBeInstanceOf(client().errors.SandboxError);
        expect(error.message, what).toContain(missing);
      }
      expect(await f.exists(missing)).toBe(false);
      expect(await f.remove(missing)).toBeUndefined();
      const read = await rejection(f.readText(missing));
      expect(read.message).toContain(`path '${missing}' does not exist`);
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Adapters

/** A command's result; a non-zero exit (CommandExitError in both clients) as a result too. */
async function runResult(call: Promise<{ exitCode: number; stdout: string; stderr: string }>): Promise<RunResult> {
  try {
    const r = await call;
    return { exitCode: r.exitCode, stdout: r.stdout, stderr: r.stderr };
  } catch (error) {
    const e = error as Partial<RunResult> & Error;
    if (typeof e.exitCode !== 'number') throw error;
    return { exitCode: e.exitCode, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

const userOf = (opts: UserOpt = {}): UserOpt => (opts.user ? { user: opts.user } : {});

/** Bytes as the SDK's documented write types take them (string | ArrayBuffer | Blob | ReadableStream). */
const sdkData = (data: string | Uint8Array): string | ArrayBuffer =>
  typeof data === 'string' ? data : (data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer);

function sdkFiles(s: e2b.Sandbox): FilesUnderTest {
  const files = s.files;
  return {
    readText: (path, opts = {}) => files.read(path, { ...userOf(opts), format: 'text' }),
    readBytes: (path, opts = {}) => files.read(path, { ...userOf(opts), format: 'bytes' }),
    write: (path, data, opts = {}) => files.write(path, sdkData(data), opts),
    writeMany: (list, opts = {}) =>
      files.write(
        list.map((file) => ({ path: file.path, data: sdkData(file.data) })),
        opts,
      ),
    list: (path, opts = {}) => files.list(path, opts),
    getInfo: (path, opts = {}) => files.getInfo(path, opts),
    exists: (path, opts = {}) => files.exists(path, opts),
    rename: (from, to, opts = {}) => files.rename(from, to, opts),
    remove: (path, opts = {}) => files.remove(path, opts),
    makeDir: (path, opts = {}) => files.makeDir(path, opts),
    watchDir: async (path, onEvent, opts = {}) => {
      const handle = await files.watchDir(path, onEvent, { ...opts, timeoutMs: 0 });
      return { stop: () => handle.stop() };
    },
  };
}

function sdkSandbox(s: e2b.Sandbox): FilesSandbox {
  return {
    sandboxId: s.sandboxId,
    accessToken: (s as unknown as { envdAccessToken?: string }).envdAccessToken,
    files: sdkFiles(s),
    run: (cmd, opts = {}) => runResult(s.commands.run(cmd, { ...userOf(opts), background: false })),
    uploadUrl: (path, opts = {}) => s.uploadUrl(path, opts),
    downloadUrl: (path, opts = {}) => s.downloadUrl(path, opts),
    kill: () => s.kill(),
  };
}

/** The official SDK; it reads E2B_API_URL, E2B_SANDBOX_URL and E2B_API_KEY from process.env. */
export const sdkFilesClient: FilesClient = {
  label: 'official e2b SDK',
  errors: {
    SandboxError: e2b.SandboxError,
    NotFoundError: e2b.NotFoundError,
    FileNotFoundError: e2b.FileNotFoundError,
    InvalidArgumentError: e2b.InvalidArgumentError,
    AuthenticationError: e2b.AuthenticationError,
  },
  create: async (opts = {}) => sdkSandbox(await e2b.Sandbox.create(opts)),
  connect: async (id) => sdkSandbox(await e2b.Sandbox.connect(id)),
};

export function ourFiles(s: ours.Sandbox): FilesUnderTest {
  const files = s.files;
  return {
    readText: (path, opts = {}) => files.read(path, { ...userOf(opts), format: 'text' }),
    readBytes: (path, opts = {}) => files.read(path, { ...userOf(opts), format: 'bytes' }),
    write: (path, data, opts = {}) => files.write(path, data, opts),
    writeMany: (list, opts = {}) => files.write(list, opts),
    list: (path, opts = {}) => files.list(path, opts),
    getInfo: (path, opts = {}) => files.getInfo(path, opts),
    exists: (path, opts = {}) => files.exists(path, opts),
    rename: (from, to, opts = {}) => files.rename(from, to, opts),
    remove: (path, opts = {}) => files.remove(path, opts),
    makeDir: (path, opts = {}) => files.makeDir(path, opts),
    watchDir: async (path, onEvent, opts = {}) => {
      const handle = await files.watchDir(path, onEvent, { ...opts, timeoutMs: 0 });
      return { stop: () => handle.stop() };
    },
  };
}

export function ourFilesSandbox(s: ours.Sandbox): FilesSandbox {
  return {
    sandboxId: s.sandboxId,
    accessToken: s.envdAccessToken,
    files: ourFiles(s),
    run: (cmd, opts = {}) => runResult(s.commands.run(cmd, { ...userOf(opts), background: false })),
    uploadUrl: (path, opts = {}) => s.uploadUrl(path, opts),
    downloadUrl: (path, opts = {}) => s.downloadUrl(path, opts),
    kill: () => s.kill(),
  };
}

/** The connection options of our client, from the same `e2b-ts local env` values. */
export function ourConnection(env: LocalEnv): ours.ConnectionOptions {
  return { apiKey: env.E2B_API_KEY, apiUrl: env.E2B_API_URL, sandboxUrl: env.E2B_SANDBOX_URL };
}

/** Our client, given the connection explicitly. */
export function ourFilesClient(env: LocalEnv): FilesClient {
  const conn = ourConnection(env);
  return {
    label: 'e2b-ts client',
    errors: {
      SandboxError: ours.SandboxError,
      NotFoundError: ours.NotFoundError,
      FileNotFoundError: ours.FileNotFoundError,
      InvalidArgumentError: ours.InvalidArgumentError,
      AuthenticationError: ours.AuthenticationError,
    },
    create: async (opts = {}) => ourFilesSandbox(await ours.Sandbox.create('base', { ...conn, ...opts })),
    connect: async (id) => ourFilesSandbox(await ours.Sandbox.connect(id, conn)),
  };
}
