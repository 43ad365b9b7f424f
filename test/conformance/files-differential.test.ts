/**
 * Differential: our client runs the same filesystem scenarios as the official SDK
 * (files-scenarios.ts), then both clients work on the files of one sandbox of the local backend
 * and the results are compared side by side: list() outputs deep-equal (modified times
 * included, since both read the same files), getInfo() deep-equal, the same exists() answers,
 * contents written by one read back byte for byte by the other (20 MB included), equal write,
 * rename and makeDir results for the same operations (paths and times normalized), the same
 * error classes for the same failures, the same watch events, the same signed links, and
 * metadata written through one seen through the other.
 *
 * Beyond the SDK, our client streams reads and writes (Readable, async iterables, gzip on the
 * wire both ways, resumed reads from an offset) and hands out watch events as an async
 * iterable; those are checked against what the SDK reads and writes.
 *
 * The official SDK reads the values of `e2b-ts local env` from process.env; our client gets the
 * same values as explicit connection options.
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as ours from '../../src/index.js';
import type { LocalBackend } from '../helpers/local-backend.js';
import { sha256, unique } from './commands-scenarios.js';
import {
  EventLog,
  classChain,
  defineFilesScenarios,
  makeTree,
  ourConnection,
  ourFilesClient,
  ourFilesSandbox,
  plainEntry,
  plainWritten,
  postFiles,
  randomData,
  relPaths,
  sdkFilesClient,
  timeless,
  type Entry,
  type FilesClient,
  type FilesSandbox,
  type FilesUnderTest,
  type Written,
} from './files-scenarios.js';
import { rejection, startLocalEnv, type LocalEnv } from './sandbox-scenarios.js';

let backend: LocalBackend;
let env: LocalEnv;
let oursClient: FilesClient;
const sdkClient = sdkFilesClient;

beforeAll(async () => {
  ({ backend, env } = await startLocalEnv());
  oursClient = ourFilesClient(env);
});
afterAll(async () => {
  await backend?.dispose();
});

/** What a call came to, comparable across clients: a value, or the error's class and ancestry. */
async function outcome(call: () => Promise<unknown>): Promise<unknown> {
  try {
    const value = await call();
    return value === undefined ? 'ok' : value;
  } catch (error) {
    const e = error as Error;
    // AuthenticationError derives from SandboxError in our client by design (the SDK's from
    // Error only): compare the class name alone there.
    if (e.name === 'AuthenticationError') return { throws: e.name };
    return { throws: e.name, chain: classChain(e) };
  }
}

/** An entry with `from` replaced by `to` at the start of its path (and symlink target). */
function moved(e: Entry, from: string, to: string): Omit<Entry, 'modifiedTime'> {
  const out = timeless(e);
  if (out.path.startsWith(from)) out.path = to + out.path.slice(from.length);
  if (out.symlinkTarget?.startsWith(from)) out.symlinkTarget = to + out.symlinkTarget.slice(from.length);
  return out;
}

function movedWritten(w: Written, from: string, to: string): Written {
  const out = plainWritten(w);
  if (out.path.startsWith(from)) out.path = to + out.path.slice(from.length);
  return out;
}

describe('our client runs the conformance scenarios', () => {
  defineFilesScenarios(
    () => oursClient,
    () => env,
  );
});

describe('differential: the official SDK and our client, file by file', () => {
  // One sandbox, made by the SDK; our client connects to it. Both act on the same files.
  let viaSdk: FilesSandbox;
  let viaOurs: FilesSandbox;
  let sdk: FilesUnderTest;
  let mine: FilesUnderTest;
  let tree: string;

  beforeAll(async () => {
    viaSdk = await sdkClient.create({ timeoutMs: 600_000 });
    viaOurs = ourFilesSandbox(await ours.Sandbox.connect(viaSdk.sandboxId, ourConnection(env)));
    sdk = viaSdk.files;
    mine = viaOurs.files;
    // A tree with every kind of entry: files, folders, symlinks (to a file, to a folder,
    // dangling), another mode, root's files, metadata, unicode and spaced names.
    tree = `/home/user/diff-${unique()}`;
    await makeTree(viaSdk, tree);
    await sdk.write(`${tree}/b/meta.txt`, 'm', { metadata: { Kind: 'report', n: '1' } });
    await sdk.write(`${tree}/ünï cödé ✓/fi le.txt`, 'unicode');
    await sdk.write(`${tree}/rooted/r.txt`, 'root', { user: 'root' });
    await sdk.write(`/root/diff-${unique()}/secret.txt`, 'root only', { user: 'root' });
    await viaSdk.run(`chmod 600 '${tree}/b/c.txt' && chmod 711 '${tree}/b/d' && ln -s /tmp '${tree}/link-tmp' && ln -s b/meta.txt '${tree}/link-meta'`);
  });
  afterAll(async () => {
    await viaSdk?.kill().catch(() => false);
  });

  it('list(): deep-equal outputs at depths 1–4, through symlinks, relative paths, ~ and as root', async () => {
    const rel = tree.slice('/home/user/'.length);
    const cases: Array<[string, { depth?: number; user?: string }]> = [
      [tree, {}],
      [tree, { depth: 2 }],
      [tree, { depth: 3 }],
      [tree, { depth: 4 }],
      [`${tree}/link-b`, { depth: 2 }],
      [rel, { depth: 2 }],
      [`~/${rel}/b`, {}],
      ['/root', { user: 'root', depth: 2 }],
      ['.', { user: 'root' }],
      [`${tree}/ünï cödé ✓`, {}],
    ];
    for (const [path, opts] of cases) {
      const [a, b] = [(await sdk.list(path, opts)).map(plainEntry), (await mine.list(path, opts)).map(plainEntry)];
      expect(b, `${path} ${JSON.stringify(opts)}`).toEqual(a);
      expect(a.length, `${path} ${JSON.stringify(opts)}`).toBeGreaterThan(0);
    }
    // The comparison is not vacuous: the tree as E2B reports it.
    const listed = (await sdk.list(tree, { depth: 3 })).map((e) => [relPaths([e], tree)[0], e.type, e.mode, e.permissions, e.owner]);
    expect(listed).toEqual([
      ['a.txt', 'file', 0o644, '-rw-r--r--', 'user'],
      ['b', 'dir', 0o755, 'drwxr-xr-x', 'user'],
      ['b/c.txt', 'file', 0o600, '-rw-------', 'user'],
      ['b/d', 'dir', 0o711, 'drwx--x--x', 'user'],
      ['b/d/e.txt', 'file', 0o644, '-rw-r--r--', 'user'],
      ['b/meta.txt', 'file', 0o644, '-rw-r--r--', 'user'],
      ['link-a', 'file', 0o644, 'Lrwxrwxrwx', 'user'],
      ['link-b', 'dir', 0o755, 'Lrwxrwxrwx', 'user'],
      ['link-meta', 'file', 0o644, 'Lrwxrwxrwx', 'user'],
      ['link-tmp', 'dir', 0o777, 'Lrwxrwxrwx', 'user'],
      ['rooted', 'dir', 0o755, 'drwxr-xr-x', 'root'],
      ['rooted/r.txt', 'file', 0o644, '-rw-r--r--', 'root'],
      ['ünï cödé ✓', 'dir', 0o755, 'drwxr-xr-x', 'user'],
      ['ünï cödé ✓/fi le.txt', 'file', 0o644, '-rw-r--r--', 'user'],
    ]);
  });

  it('getInfo(): deep-equal for files, folders, symlinks (dangling too), /, /tmp, ~, relative paths and as root; exists() answers alike', async () => {
    const rel = tree.slice('/home/user/'.length);
    const cases: Array<[string, { user?: string }]> = [
      [`${tree}/a.txt`, {}],
      [`${tree}/b`, {}],
      [`${tree}/b/c.txt`, {}],
      [`${tree}/b/d`, {}],
      [`${tree}/b/meta.txt`, {}],
      [`${tree}/link-a`, {}],
      [`${tree}/link-b`, {}],
      [`${tree}/link-meta`, {}],
      [`${tree}/link-tmp`, {}],
      [`${tree}/dangling`, {}],
      [`${tree}/rooted/r.txt`, {}],
      [`${tree}/ünï cödé ✓/fi le.txt`, {}],
      [`${rel}/a.txt`, {}],
      ['~', {}],
      ['~', { user: 'root' }],
      ['.', {}],
      ['/', {}],
      ['/tmp', {}],
      ['/root', {}],
    ];
    for (const [path, opts] of cases) {
      const [a, b] = [plainEntry(await sdk.getInfo(path, opts)), plainEntry(await mine.getInfo(path, opts))];
      expect(b, path).toEqual(a);
    }
    const existing = cases.map(([p]) => p);
    const missing = [`${tree}/nope`, `${tree}/b/nope/deeper`, `/nope-${unique()}`, `${rel}/nope`];
    const [a, b] = [[] as boolean[], [] as boolean[]];
    for (const path of [...existing, ...missing]) {
      a.push(await sdk.exists(path));
      b.push(await mine.exists(path));
    }
    expect(b).toEqual(a);
    expect(a).toEqual([...existing.map(() => true), ...missing.map(() => false)]);
    // Metadata reads through a symlink in both.
    expect((await mine.getInfo(`${tree}/link-meta`)).metadata).toEqual({ kind: 'report', n: '1' });
  });

  it('contents written by either client read the same through both: text, bytes, empty, unicode names, 20 MB', async () => {
    const dir = `/tmp/cross-${unique()}`;
    const big = randomData(20_000_000);
    const text = 'héllo ✓ 😀\nline 2\r\n';
    for (const [writer, label] of [
      [sdk, 'sdk'],
      [mine, 'ours'],
    ] as const) {
      await writer.write(`${dir}/${label}/text ✓.txt`, text);
      await writer.write(`${dir}/${label}/empty`, '');
      await writer.write(`${dir}/${label}/big.bin`, big);
    }
    const digest = sha256(big);
    const inSandbox = await viaSdk.run(`sha256sum ${dir}/sdk/big.bin ${dir}/ours/big.bin`);
    expect(inSandbox.stdout).toBe(`${digest}  ${dir}/sdk/big.bin\n${digest}  ${dir}/ours/big.bin\n`);
    for (const label of ['sdk', 'ours']) {
      for (const reader of [sdk, mine]) {
        expect(await reader.readText(`${dir}/${label}/text ✓.txt`)).toBe(text);
        expect(await reader.readText(`${dir}/${label}/empty`)).toBe('');
        expect((await reader.readBytes(`${dir}/${label}/empty`)).length).toBe(0);
        const bytes = await reader.readBytes(`${dir}/${label}/big.bin`);
        expect(bytes.length).toBe(20_000_000);
        expect(sha256(bytes)).toBe(digest);
      }
    }
    // Both wrote the same things: their listings match once the folder name is set aside.
    const [a, b] = [await sdk.list(`${dir}/sdk`), await mine.list(`${dir}/ours`)];
    expect(b.map((e) => moved(e, `${dir}/ours`, `${dir}/sdk`))).toEqual(a.map((e) => timeless(e)));
  });

  it('write results (single, multi-file, as root, with metadata) and the written entries are equal, paths aside', async () => {
    const base = `/tmp/writes-${unique()}`;
    const bytes = randomData(50_000);
    const results: Record<string, unknown[]> = { sdk: [], ours: [] };
    for (const [client, label] of [
      [sdk, 'sdk'],
      [mine, 'ours'],
    ] as const) {
      const root = `${base}/${label}`;
      const out = results[label];
      out.push(movedWritten(await client.write(`${root}/one.txt`, 'one'), root, '<root>'));
      out.push(movedWritten(await client.write(`${root}/meta.txt`, 'm', { metadata: { Key: 'Value', other: 'x y' } }), root, '<root>'));
      out.push(movedWritten(await client.write(`${root}/by root/r.bin`, bytes, { user: 'root' }), root, '<root>'));
      out.push(
        (
          await client.writeMany(
            [
              { path: `${root}/many/a.txt`, data: 'a' },
              { path: `${root}/many/deep/b.bin`, data: bytes },
              { path: `${root}/many/ü ✓.txt`, data: '' },
            ],
            { metadata: { batch: '1' } },
          )
        ).map((w) => movedWritten(w, root, '<root>')),
      );
      out.push(await client.writeMany([]));
    }
    expect(results.ours).toEqual(results.sdk);
    expect(results.sdk[1]).toEqual({ path: '<root>/meta.txt', name: 'meta.txt', type: 'file', metadata: { key: 'Value', other: 'x y' } });
    const [a, b] = [await sdk.list(`${base}/sdk`, { depth: 3 }), await mine.list(`${base}/ours`, { depth: 3 })];
    expect(b.map((e) => moved(e, `${base}/ours`, '<root>'))).toEqual(a.map((e) => moved(e, `${base}/sdk`, '<root>')));
    expect(a.map((e) => [relPaths([e], `${base}/sdk`)[0], e.owner, e.metadata])).toEqual([
      ['by root', 'root', undefined],
      ['by root/r.bin', 'root', undefined],
      ['many', 'user', undefined],
      ['many/a.txt', 'user', { batch: '1' }],
      ['many/deep', 'user', undefined],
      ['many/deep/b.bin', 'user', { batch: '1' }],
      ['many/ü ✓.txt', 'user', { batch: '1' }],
      ['meta.txt', 'user', { key: 'Value', other: 'x y' }],
      ['one.txt', 'user', undefined],
    ]);
    // Metadata written by one client, replaced by the other.
    await mine.write(`${base}/sdk/meta.txt`, 'm2', { metadata: { by: 'ours' } });
    expect((await sdk.getInfo(`${base}/sdk/meta.txt`)).metadata).toEqual({ by: 'ours' });
    await sdk.write(`${base}/ours/meta.txt`, 'm2');
    expect((await mine.getInfo(`${base}/ours/meta.txt`)).metadata).toBeUndefined();
  });

  it('rename, remove and makeDir: equal entries and answers for the same operations', async () => {
    const base = `/home/user/ops-${unique()}`;
    const results: Record<string, unknown[]> = { sdk: [], ours: [] };
    for (const [client, label] of [
      [sdk, 'sdk'],
      [mine, 'ours'],
    ] as const) {
      const root = `${base}/${label}`;
      const tmp = `/tmp/ops-${label}-${unique()}`;
      const out = results[label];
      const norm = (e: Entry) => moved(moved(e as Entry, root, '<root>') as Entry, tmp, '<tmp>');
      await client.write(`${root}/f.txt`, 'file', { metadata: { m: '1' } });
      await client.write(`${root}/dir/inner.txt`, 'inner');
      out.push(norm(await client.rename(`${root}/f.txt`, `${root}/g.txt`)));
      out.push(norm(await client.rename(`${root}/g.txt`, `${root}/new/parents/h.txt`)));
      out.push(norm(await client.rename(`${root}/dir`, `${root}/moved-dir`)));
      out.push(norm(await client.rename(`${root}/new/parents/h.txt`, `${tmp}/across.txt`)));
      out.push(norm(await client.rename(`${tmp}/across.txt`, `${root}/back.txt`)));
      out.push(await outcome(() => client.rename(`${root}/missing`, `${root}/x`)));
      out.push(await client.makeDir(`${root}/mk/a/b`));
      out.push(await client.makeDir(`${root}/mk/a/b`));
      out.push(await client.makeDir(`${root}/mk`));
      out.push(await outcome(() => client.makeDir(`${root}/back.txt`)));
      out.push(await client.makeDir(`${root}/mk-root`, { user: 'root' }));
      out.push(norm(await client.getInfo(`${root}/mk-root`)));
      out.push(await outcome(() => client.remove(`${root}/moved-dir`)));
      out.push(await outcome(() => client.remove(`${root}/never`)));
      out.push(await client.exists(`${root}/moved-dir`));
      out.push(relPaths(await client.list(root, { depth: 3 }), root));
    }
    expect(results.ours).toEqual(results.sdk);
    expect(results.sdk[4]).toMatchObject({ name: 'back.txt', path: '<root>/back.txt', size: 4, owner: 'user', metadata: { m: '1' } });
    expect(results.sdk.slice(5, 11)).toEqual([
      { throws: 'FileNotFoundError', chain: ['FileNotFoundError', 'NotFoundError', 'SandboxError', 'Error'] },
      true,
      false,
      false,
      { throws: 'InvalidArgumentError', chain: ['InvalidArgumentError', 'SandboxError', 'Error'] },
      true,
    ]);
  });

  it('the same failures give the same error classes through both', async () => {
    const missing = `/tmp/missing-${unique()}/f.txt`;
    const file = `${tree}/a.txt`;
    const nobody = `nobody-${unique()}`;
    const calls = (c: FilesUnderTest): Array<[string, () => Promise<unknown>]> => [
      ['readText missing', () => c.readText(missing)],
      ['readBytes missing', () => c.readBytes(missing)],
      ['getInfo missing', () => c.getInfo(missing)],
      ['list missing', () => c.list(missing)],
      ['rename missing', () => c.rename(missing, `${missing}.2`)],
      ['watchDir missing', () => c.watchDir(missing, () => {})],
      ['exists missing', () => c.exists(missing)],
      ['remove missing', () => c.remove(missing)],
      ['read folder', () => c.readText(tree)],
      ['write folder', () => c.write(tree, 'x')],
      ['list file', () => c.list(file)],
      ['list depth 0', () => c.list(tree, { depth: 0 })],
      ['makeDir file', () => c.makeDir(file)],
      ['watchDir file', () => c.watchDir(file, () => {})],
      ['bad metadata key', () => c.write(`${missing}.meta`, 'x', { metadata: { 'a b': 'c' } })],
      ['bad metadata value', () => c.write(`${missing}.meta`, 'x', { metadata: { k: 'ü' } })],
      ['unknown user read', () => c.readText(file, { user: nobody })],
      ['unknown user write', () => c.write(`${missing}.u`, 'x', { user: nobody })],
      ['unknown user list', () => c.list(tree, { user: nobody })],
      ['unknown user getInfo', () => c.getInfo(file, { user: nobody })],
    ];
    const [fromSdk, fromOurs] = [{} as Record<string, unknown>, {} as Record<string, unknown>];
    for (const [label, call] of calls(sdk)) fromSdk[label] = await outcome(call);
    for (const [label, call] of calls(mine)) fromOurs[label] = await outcome(call);
    expect(fromOurs).toEqual(fromSdk);

    const notFound = { throws: 'FileNotFoundError', chain: ['FileNotFoundError', 'NotFoundError', 'SandboxError', 'Error'] };
    const invalid = { throws: 'InvalidArgumentError', chain: ['InvalidArgumentError', 'SandboxError', 'Error'] };
    const auth = { throws: 'AuthenticationError' };
    expect(fromSdk).toEqual({
      'readText missing': notFound,
      'readBytes missing': notFound,
      'getInfo missing': notFound,
      'list missing': notFound,
      'rename missing': notFound,
      'watchDir missing': notFound,
      'exists missing': false,
      'remove missing': 'ok',
      'read folder': invalid,
      'write folder': invalid,
      'list file': invalid,
      'list depth 0': invalid,
      'makeDir file': invalid,
      'watchDir file': invalid,
      'bad metadata key': invalid,
      'bad metadata value': invalid,
      'unknown user read': auth,
      'unknown user write': auth,
      'unknown user list': auth,
      'unknown user getInfo': auth,
    });
    // Both carry envd's wording for the missing path.
    const [ea, eb] = [await rejection(sdk.readText(missing)), await rejection(mine.readText(missing))];
    expect(ea.message).toContain(`path '${missing}' does not exist`);
    expect(eb.message).toContain(`path '${missing}' does not exist`);
    const [ga, gb] = [await rejection(sdk.getInfo(missing)), await rejection(mine.getInfo(missing))];
    expect(ga.message).toContain(`file not found: ${missing}`);
    expect(gb.message).toContain(`file not found: ${missing}`);
  });

  it('watchDir: both clients watching one folder at once see the same events', async () => {
    const dir = `/home/user/watch-both-${unique()}`;
    await sdk.makeDir(`${dir}/sub`);
    const [logA, logB] = [new EventLog(), new EventLog()];
    const opts = { recursive: true, includeEntry: true };
    const [wa, wb] = [await sdk.watchDir(dir, logA.push, opts), await mine.watchDir(dir, logB.push, opts)];
    const both = async (type: string, name: string, from: [number, number]) =>
      Promise.all([logA.expect(type, name, from[0]), logB.expect(type, name, from[1])]);
    const marks = (): [number, number] => [logA.mark(), logB.mark()];
    try {
      let from = marks();
      await sdk.write(`${dir}/f.txt`, 'one');
      await both('create', 'f.txt', from);
      from = marks();
      await mine.write(`${dir}/f.txt`, 'two!');
      await both('write', 'f.txt', from);
      from = marks();
      await viaSdk.run(`chmod 600 ${dir}/f.txt`);
      await both('chmod', 'f.txt', from);
      from = marks();
      await mine.rename(`${dir}/f.txt`, `${dir}/sub/g.txt`);
      await both('rename', 'f.txt', from);
      await both('create', 'sub/g.txt', from);
      from = marks();
      await sdk.makeDir(`${dir}/sub/new`);
      await both('create', 'sub/new', from);
      from = marks();
      await sdk.remove(`${dir}/sub/g.txt`);
      await both('remove', 'sub/g.txt', from);
    } finally {
      await Promise.all([wa.stop(), wb.stop()]);
    }
    const distinct = (log: EventLog) => [...new Set(log.summary().map((e) => e.join(' ')))].sort();
    expect(distinct(logB)).toEqual(distinct(logA));
    // Entries agree where both have them for the same event (created folder: no later change).
    const entryOf = (log: EventLog) => plainEntry(log.events.find((e) => e.type === 'create' && e.name === 'sub/new')!.entry!);
    expect(entryOf(logB)).toEqual(entryOf(logA));
    expect(entryOf(logA)).toMatchObject({ name: 'new', type: 'dir', path: `${dir}/sub/new`, mode: 0o755, owner: 'user' });
    for (const log of [logA, logB]) {
      for (const e of log.events) {
        if (['remove', 'rename'].includes(e.type)) expect(e.entry).toBeUndefined();
        else if (e.entry) expect(e.entry.path).toBe(`${dir}/${e.name}`);
      }
    }
  });

  it('signed URLs: both clients build the same links; each works with plain HTTP for files the other wrote', async () => {
    const dir = `/tmp/urls-${unique()}`;
    await sdk.write(`${dir}/by-sdk ✓.txt`, 'from sdk');
    await mine.write(`${dir}/by-ours ✓.txt`, 'from ours');
    const urlCases: Array<[string, (s: FilesSandbox) => Promise<string>]> = [
      ['upload with path', (s) => s.uploadUrl(`${dir}/up.txt`)],
      ['upload without path', (s) => s.uploadUrl()],
      ['upload as root', (s) => s.uploadUrl(`${dir}/up-root.txt`, { user: 'root' })],
      ['download', (s) => s.downloadUrl(`${dir}/by-sdk ✓.txt`)],
      ['download as user', (s) => s.downloadUrl(`${dir}/by-ours ✓.txt`, { user: 'user' })],
      ['download relative', (s) => s.downloadUrl('some/rel path+x.txt')],
    ];
    for (const [label, make] of urlCases) expect(await make(viaOurs), label).toBe(await make(viaSdk));

    // Each client's download link reads what the other wrote.
    for (const [maker, path, content] of [
      [viaSdk, `${dir}/by-ours ✓.txt`, 'from ours'],
      [viaOurs, `${dir}/by-sdk ✓.txt`, 'from sdk'],
    ] as const) {
      const res = await fetch(await maker.downloadUrl(path, { useSignatureExpiration: 60 }));
      expect([res.status, await res.text()]).toEqual([200, content]);
    }
    // Each client's upload link writes what the other reads.
    for (const [maker, reader, name] of [
      [viaSdk, mine, 'up-sdk.txt'],
      [viaOurs, sdk, 'up-ours.txt'],
    ] as const) {
      const res = await postFiles(await maker.uploadUrl(`${dir}/${name}`, { useSignatureExpiration: 60 }), [{ filename: name, data: name }]);
      expect(res.status).toBe(200);
      expect(await reader.readText(`${dir}/${name}`)).toBe(name);
    }
    // Expiring links: same parameters; the same signature when made in the same second.
    const [la, lb] = [
      new URL(await viaSdk.downloadUrl(`${dir}/x`, { useSignatureExpiration: 30 })),
      new URL(await viaOurs.downloadUrl(`${dir}/x`, { useSignatureExpiration: 30 })),
    ];
    expect([...lb.searchParams.keys()]).toEqual([...la.searchParams.keys()]);
    const [xa, xb] = [Number(la.searchParams.get('signature_expiration')), Number(lb.searchParams.get('signature_expiration'))];
    expect(Math.abs(xa - xb)).toBeLessThanOrEqual(1);
    if (xa === xb) expect(lb.toString()).toBe(la.toString());
    // Both refuse an expiration in the past alike (the server does, with 401).
    for (const maker of [viaSdk, viaOurs]) {
      const res = await fetch(await maker.downloadUrl(`${dir}/by-sdk ✓.txt`, { useSignatureExpiration: -1 }));
      expect(res.status).toBe(401);
    }
  });
});

describe('beyond the SDK: our client streams, compresses, resumes and iterates', () => {
  let sandbox: ours.Sandbox;
  let sdkView: FilesSandbox;
  beforeAll(async () => {
    sandbox = await ours.Sandbox.create('base', { ...ourConnection(env), timeoutMs: 600_000 });
    sdkView = await sdkClient.connect(sandbox.sandboxId);
  });
  afterAll(async () => {
    await sandbox?.kill().catch(() => false);
  });

  it('streamed and gzip reads and writes of 20 MB match what the SDK reads and writes', async () => {
    const dir = `/tmp/stream-${unique()}`;
    const big = randomData(20_000_000);
    const digest = sha256(big);
    // Written from a Node Readable in odd-sized chunks, and from an async iterable with gzip on the wire.
    const chunks = (size: number) => Array.from({ length: Math.ceil(big.length / size) }, (_, i) => big.subarray(i * size, (i + 1) * size));
    await sandbox.files.write(`${dir}/readable.bin`, Readable.from(chunks(777_777)));
    await sandbox.files.write(
      `${dir}/gzip.bin`,
      (async function* () {
        yield* chunks(1 << 20);
      })(),
      { gzip: true },
    );
    await sandbox.files.write(`${dir}/blob.bin`, new Blob([Buffer.from(big)]));
    for (const name of ['readable.bin', 'gzip.bin', 'blob.bin']) {
      expect(sha256(await sdkView.files.readBytes(`${dir}/${name}`)), name).toBe(digest);
      expect((await sdkView.files.getInfo(`${dir}/${name}`)).size, name).toBe(20_000_000);
    }
    // Read as a stream, with and without gzip on the wire.
    for (const gzip of [false, true]) {
      const hash = createHash('sha256');
      let size = 0;
      for await (const chunk of await sandbox.files.read(`${dir}/readable.bin`, { format: 'stream', gzip })) {
        hash.update(chunk as Buffer);
        size += (chunk as Buffer).length;
      }
      expect([size, hash.digest('hex')], `gzip ${gzip}`).toEqual([20_000_000, digest]);
    }
    // Resumed from an offset: the rest of the file.
    const tail = await sandbox.files.read(`${dir}/readable.bin`, { format: 'bytes', offset: 19_000_000 });
    expect(sha256(tail)).toBe(sha256(big.subarray(19_000_000)));
    expect(await sandbox.files.read(`${dir}/readable.bin`, { format: 'text', offset: 20_000_000 - 3 })).toBe(Buffer.from(big.subarray(-3)).toString('utf8'));
  });

  it('isDir, stat and move answer like getInfo and rename; FileNotFoundError carries its code', async () => {
    const dir = `/tmp/alias-${unique()}`;
    await sandbox.files.write(`${dir}/f.txt`, 'f');
    expect([await sandbox.files.isDir(dir), await sandbox.files.isDir(`${dir}/f.txt`), await sandbox.files.isDir(`${dir}/nope`)]).toEqual([true, false, false]);
    expect(plainEntry(await sandbox.files.stat(`${dir}/f.txt`))).toEqual(plainEntry(await sdkView.files.getInfo(`${dir}/f.txt`)));
    const movedEntry = plainEntry(await sandbox.files.move(`${dir}/f.txt`, `${dir}/g.txt`));
    expect(movedEntry).toEqual(plainEntry(await sdkView.files.getInfo(`${dir}/g.txt`)));
    const error = await rejection(sandbox.files.read(`${dir}/f.txt`));
    expect(error).toBeInstanceOf(ours.FileNotFoundError);
    expect((error as ours.FileNotFoundError).code).toBe('E2B_FILE_NOT_FOUND');
  });

  it('a watch handle is an async iterable of the events; stop() ends the iteration; its timeoutMs ends it with TimeoutError', async () => {
    const dir = `/tmp/iter-${unique()}`;
    await sandbox.files.makeDir(dir);
    const handle = await sandbox.files.watchDir(dir, undefined, { timeoutMs: 0 });
    const seen: string[] = [];
    const done = (async () => {
      for await (const event of handle) {
        seen.push(`${event.type} ${event.name}`);
        if (event.type === 'remove' && event.name === 'x.txt') await handle.stop();
      }
    })();
    await sdkView.files.write(`${dir}/x.txt`, 'x');
    await sdkView.files.remove(`${dir}/x.txt`);
    await done;
    expect(seen[0]).toBe('create x.txt');
    expect(seen.at(-1)).toBe('remove x.txt');

    const timed = await sandbox.files.watchDir(dir, undefined, { timeoutMs: 500 });
    const error = await rejection(
      (async () => {
        for await (const _ of timed) {
          // no events expected
        }
      })(),
    );
    expect(error).toBeInstanceOf(ours.TimeoutError);
    expect(error.name).toBe('TimeoutError');
  });
});
