/**
 * `files.download` and `files.upload`: a file of this machine to or from the sandbox, with the
 * SHA-256 of the bytes. Over plain HTTP the bytes go through reused buffers (raw-get.ts,
 * raw-post.ts); downloads that path does not take (chunked, gzip, errors) are asked for again
 * the ordinary way, and an injected dispatcher takes the ordinary way throughout. Checked on a
 * real server playing the API (sandbox lookup) and envd (/files), with the answers each case needs.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DownloadOpts } from '../../src/client/filesystem.js';
import { Sandbox } from '../../src/client/sandbox.js';
import { parseResponseHead, rawGet } from '../../src/client/transport/raw-get.js';
import { dechunk } from '../../src/client/transport/raw-post.js';

type Envd = (res: ServerResponse, url: URL, req: IncomingMessage) => void;
let server: Server | undefined;
let sockets: Socket[] = [];
let dir: string;
const seen: Array<{ url: string; headers: Record<string, unknown> }> = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'e2bts-download-'));
  seen.length = 0;
});
afterEach(async () => {
  for (const s of sockets) s.destroy();
  sockets = [];
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
  rmSync(dir, { recursive: true, force: true });
});

async function sandboxWith(envd: Envd, extra: Record<string, unknown> = {}): Promise<{ sandbox: Sandbox; url: string }> {
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname.startsWith('/sandboxes/')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          sandboxID: 'isbx1',
          templateID: 'base',
          clientID: 'c',
          envdVersion: '0.2.0',
          envdAccessToken: 'tok',
          state: 'running',
          startedAt: new Date().toISOString(),
          endAt: new Date(Date.now() + 60_000).toISOString(),
          cpuCount: 2,
          memoryMB: 512,
          diskSizeMB: 1024,
        }),
      );
      return;
    }
    seen.push({ url: req.url ?? '', headers: req.headers });
    envd(res, url, req);
  });
  server.on('connection', (s) => sockets.push(s));
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const sandbox = await Sandbox.attach('isbx1', { apiKey: `e2b_${'a'.repeat(40)}`, apiUrl: url, sandboxUrl: url, ...extra });
  return { sandbox, url };
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** A download into the scratch folder that is expected to fail: its error, and whether a file is left. */
async function failedDownload(sandbox: Sandbox, path: string, opts: DownloadOpts = {}): Promise<{ error: unknown; left: boolean }> {
  const file = join(dir, path.slice(1));
  const error = await sandbox.files.download(path, file, opts).catch((e: unknown) => e);
  return { error, left: existsSync(file) };
}

describe('files.download', () => {
  it('a plain answer: every byte on disk, its SHA-256 and size; auth and routing headers sent; progress reaches the size', async () => {
    const data = randomBytes(5 * 1024 * 1024 + 123);
    const { sandbox } = await sandboxWith((res) => {
      res.writeHead(200, { 'content-length': String(data.length), 'content-type': 'application/octet-stream' });
      // in pieces, so the body crosses many reads
      for (let at = 0; at < data.length; at += 300_000) res.write(data.subarray(at, at + 300_000));
      res.end();
    });
    const file = join(dir, 'out.bin');
    const progress: number[] = [];
    const info = await sandbox.files.download('/home/user/big file.bin', file, { user: 'root', onProgress: (n) => progress.push(n) });
    expect(info).toEqual({ size: data.length, sha256: sha256(data) });
    expect(sha256(readFileSync(file))).toBe(sha256(data));
    expect(progress.at(-1)).toBe(data.length);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.url).toBe('/files?path=%2Fhome%2Fuser%2Fbig+file.bin&username=root');
    expect(seen[0]!.headers).toMatchObject({ 'x-access-token': 'tok', 'e2b-sandbox-id': 'isbx1', 'accept-encoding': 'identity' });
  });

  it('an empty file, and mode and exclusive creation', async () => {
    const { sandbox } = await sandboxWith((res) => {
      res.writeHead(200, { 'content-length': '0' });
      res.end();
    });
    const file = join(dir, 'empty');
    expect(await sandbox.files.download('/e', file, { mode: 0o600, exclusive: true })).toEqual({ size: 0, sha256: sha256(Buffer.alloc(0)) });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    writeFileSync(join(dir, 'taken'), 'mine');
    await expect(sandbox.files.download('/e', join(dir, 'taken'), { exclusive: true })).rejects.toMatchObject({ code: 'EEXIST' });
    expect(readFileSync(join(dir, 'taken'), 'utf8')).toBe('mine');
  });

  it('a chunked answer is asked for again and read as a stream: same bytes', async () => {
    const data = randomBytes(300_000);
    const { sandbox } = await sandboxWith((res) => {
      res.writeHead(200, { 'transfer-encoding': 'chunked' });
      res.write(data.subarray(0, 1000));
      res.end(data.subarray(1000));
    });
    const file = join(dir, 'chunked');
    expect(await sandbox.files.download('/c', file)).toEqual({ size: data.length, sha256: sha256(data) });
    expect(seen).toHaveLength(2);
  });

  it('a missing file is a FileNotFoundError and leaves no file behind', async () => {
    const { sandbox } = await sandboxWith((res) => {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ code: 404, message: "path '/nope' does not exist" }));
    });
    const { error, left } = await failedDownload(sandbox, '/nope');
    expect(error).toMatchObject({ name: 'FileNotFoundError' });
    expect(left).toBe(false);
  });

  it('a connection that ends early is a ConnectionError and leaves no file behind', async () => {
    const { sandbox } = await sandboxWith((res) => {
      res.writeHead(200, { 'content-length': '1000000' });
      res.write(Buffer.alloc(1000));
      setTimeout(() => res.socket?.destroy(), 20);
    });
    const { error, left } = await failedDownload(sandbox, '/cut');
    expect(error).toMatchObject({ name: 'ConnectionError' });
    expect(left).toBe(false);
  });

  it('an abort mid-body is an AbortError; a stalled body is a TimeoutError; neither leaves a file', async () => {
    const { sandbox } = await sandboxWith((res) => {
      res.writeHead(200, { 'content-length': '1000000' });
      res.write(Buffer.alloc(1000)); // and then nothing
    });
    const controller = new AbortController();
    const aborted = await failedDownload(sandbox, '/aborted', { signal: controller.signal, onProgress: () => controller.abort() });
    expect(aborted.error).toMatchObject({ name: 'AbortError' });
    const stalled = await failedDownload(sandbox, '/stalled', { requestTimeoutMs: 200 });
    expect(stalled.error).toMatchObject({ name: 'TimeoutError' });
    expect(aborted.left).toBe(false);
    expect(stalled.left).toBe(false);
  });
});

describe('rawGet', () => {
  it('parses response heads: status, lower-cased names, repeats joined; refuses what is not HTTP/1.x', () => {
    expect(parseResponseHead('HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-A: 1\r\nx-a: 2')).toEqual({
      status: 200,
      headers: { 'content-length': '5', 'x-a': '1, 2' },
    });
    expect(parseResponseHead('HTTP/1.0 404')).toEqual({ status: 404, headers: {} });
    expect(parseResponseHead('HTTP/2 200 OK')).toBeUndefined();
    expect(parseResponseHead('HTTP/1.1 200 OK\r\nno colon here')).toBeUndefined();
  });

  it('reports gzip answers and errors as unsupported before passing on any byte; an error thrown by the sink comes back as it is', async () => {
    const { url } = await sandboxWith((res, u) => {
      if (u.pathname === '/gz') res.writeHead(200, { 'content-encoding': 'gzip', 'content-length': '3' }).end('abc');
      else if (u.pathname === '/err') res.writeHead(500, { 'content-length': '4' }).end('oops');
      else res.writeHead(200, { 'content-length': '3' }).end('abc');
    });
    const chunks: Buffer[] = [];
    const keep = (c: Buffer) => chunks.push(Buffer.from(c));
    expect(await rawGet(new URL(`${url}/gz`), {}, keep)).toEqual({ kind: 'unsupported', status: 200 });
    expect(await rawGet(new URL(`${url}/err`), {}, keep)).toEqual({ kind: 'unsupported', status: 500 });
    expect(chunks).toEqual([]);
    expect(await rawGet(new URL(`${url}/ok`), {}, keep)).toEqual({ kind: 'body', bytes: 3 });
    expect(Buffer.concat(chunks).toString()).toBe('abc');
    const full = new Error('disk full');
    await expect(
      rawGet(new URL(`${url}/ok`), {}, () => {
        throw full;
      }),
    ).rejects.toBe(full);
    expect(() => rawGet(new URL('https://example.com/'), {}, keep)).toThrow(/plain HTTP only/);
    await expect(rawGet(new URL(`${url}/ok`), { 'x-bad': 'a\r\nb' }, keep)).rejects.toThrow(/line break/);
  });
});

/** An envd /files POST that keeps the body and answers as envd does (or as `answer` says). */
function uploadEnvd(received: Buffer[], answer?: (res: ServerResponse) => void): Envd {
  return (res, url, req) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => {
      received.push(Buffer.concat(parts));
      if (answer) return answer(res);
      const path = url.searchParams.get('path') ?? '';
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify([{ path, name: path.split('/').pop(), type: 'file' }]));
    });
  };
}

describe('files.upload', () => {
  it('sends the file whole with Content-Length, metadata and auth headers; returns what was written, size and SHA-256', async () => {
    const data = randomBytes(3 * 1024 * 1024 + 17);
    writeFileSync(join(dir, 'src.bin'), data);
    const received: Buffer[] = [];
    const { sandbox } = await sandboxWith(uploadEnvd(received));
    const progress: number[] = [];
    const info = await sandbox.files.upload(join(dir, 'src.bin'), '/home/user/dst.bin', {
      user: 'root',
      metadata: { k: 'v' },
      onProgress: (n) => progress.push(n),
    });
    expect(info).toEqual({ path: '/home/user/dst.bin', name: 'dst.bin', type: 'file', size: data.length, sha256: sha256(data) });
    expect(sha256(received[0]!)).toBe(sha256(data));
    expect(progress.at(-1)).toBe(data.length);
    expect(seen[0]!.url).toBe('/files?path=%2Fhome%2Fuser%2Fdst.bin&username=root');
    expect(seen[0]!.headers).toMatchObject({
      'content-length': String(data.length),
      'content-type': 'application/octet-stream',
      'x-metadata-k': 'v',
      'x-access-token': 'tok',
      'e2b-sandbox-id': 'isbx1',
      connection: 'close', // the one-connection path (raw-post.ts)
    });
  });

  it('through an injected dispatcher (the ordinary stream): the same bytes and answer', async () => {
    const { Agent } = await import('undici');
    const data = randomBytes(300_000);
    writeFileSync(join(dir, 'src.bin'), data);
    const received: Buffer[] = [];
    const dispatcher = new Agent();
    try {
      const { sandbox } = await sandboxWith(uploadEnvd(received), { dispatcher });
      const info = await sandbox.files.upload(join(dir, 'src.bin'), '/d', {});
      expect(info).toMatchObject({ path: '/d', size: data.length, sha256: sha256(data) });
      expect(sha256(received[0]!)).toBe(sha256(data));
      expect(seen[0]!.headers.connection).not.toBe('close');
    } finally {
      await dispatcher.close();
    }
  });

  it('an empty file; a chunked answer; a refusal is the error envd words', async () => {
    writeFileSync(join(dir, 'empty'), '');
    const received: Buffer[] = [];
    const chunked = await sandboxWith(
      uploadEnvd(received, (res) => {
        res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
        res.write('[{"path":"/e","na');
        res.end('me":"e","type":"file"}]');
      }),
    );
    expect(await chunked.sandbox.files.upload(join(dir, 'empty'), '/e')).toEqual({
      path: '/e',
      name: 'e',
      type: 'file',
      size: 0,
      sha256: sha256(Buffer.alloc(0)),
    });
    expect(received[0]!.length).toBe(0);
    await new Promise<void>((resolve) => server!.close(() => resolve()));
    for (const s of sockets) s.destroy();
    writeFileSync(join(dir, 'f'), 'x');
    const refusing = await sandboxWith(
      uploadEnvd([], (res) => {
        res.writeHead(507, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ code: 507, message: 'not enough disk space available' }));
      }),
    );
    const error = await refusing.sandbox.files.upload(join(dir, 'f'), '/f').catch((e: unknown) => e);
    expect(error).toMatchObject({ message: expect.stringContaining('not enough disk space available') });
  });

  it('a missing local file is ENOENT before anything is sent; an abort mid-body is an AbortError', async () => {
    const { sandbox } = await sandboxWith(() => {
      // takes the body and never answers
    });
    await expect(sandbox.files.upload(join(dir, 'missing'), '/m')).rejects.toMatchObject({ code: 'ENOENT' });
    expect(seen).toHaveLength(0);
    writeFileSync(join(dir, 'big'), randomBytes(8 * 1024 * 1024));
    const controller = new AbortController();
    const upload = sandbox.files.upload(join(dir, 'big'), '/b', { signal: controller.signal, onProgress: () => controller.abort() });
    expect(await upload.catch((e: unknown) => e)).toMatchObject({ name: 'AbortError' });
  });
});

describe('dechunk', () => {
  it('joins chunks, ignores extensions, waits for the last one', () => {
    expect(dechunk(Buffer.from('3\r\nabc\r\n2;x=y\r\nde\r\n0\r\n\r\n'))?.toString()).toBe('abcde');
    expect(dechunk(Buffer.from('3\r\nabc\r\n'))).toBeUndefined();
    expect(dechunk(Buffer.from('3\r\nab'))).toBeUndefined();
    expect(() => dechunk(Buffer.from('zz\r\n'))).toThrow(/malformed/);
  });
});
