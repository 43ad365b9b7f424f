/**
 * Volumes against the security model. A volume is mounted read-write into sandboxes, so its
 * files are as hostile as a sandbox's: sandbox root can plant symlinks to any host path in it,
 * and the daemon (root on the host, maybe) serves those files through the content API. Here the
 * hostile tree is planted straight into the volume's host folder (what a sandbox would have
 * made), then every content operation is aimed at it; nothing may read, write, list, chmod or
 * delete outside the volume. Also: `..` paths, tokens, and web pages.
 */
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawRequest } from '../helpers/raw-http.js';
import { startLocalBackend, type LocalBackend } from './kit.js';

let backend: LocalBackend;
let outside: string;
let id: string;
let token: string;
let data: string;

// biome-ignore lint/suspicious/noExplicitAny: response bodies of any shape, checked field by field
type Json = any;

/** The host folder of a volume's files (folders are opaque: found by their record). */
function volumeData(home: string, volumeId: string): string {
  for (const folder of readdirSync(join(home, 'volumes'))) {
    try {
      const record = JSON.parse(readFileSync(join(home, 'volumes', folder, 'volume.json'), 'utf8')) as { volumeID: string };
      if (record.volumeID === volumeId) return join(home, 'volumes', folder, 'data');
    } catch {
      // not a volume folder
    }
  }
  throw new Error(`no folder for volume ${volumeId}`);
}

async function content(method: string, route: string, query: Record<string, string>, body?: string): Promise<{ status: number; body: Json; text: string }> {
  const res = await fetch(`${backend.url}/volumecontent/${id}/${route}?${new URLSearchParams(query)}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body !== undefined ? { 'content-type': route === 'path' ? 'application/json' : 'application/octet-stream' } : {}),
    },
    ...(body !== undefined ? { body } : {}),
  });
  const text = await res.text();
  let parsed: Json;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: res.status, body: parsed, text };
}

beforeAll(async () => {
  backend = await startLocalBackend();
  const res = await fetch(`${backend.url}/volumes`, {
    method: 'POST',
    headers: { 'X-API-Key': backend.apiKey, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'hostile' }),
  });
  const created = (await res.json()) as { volumeID: string; token: string };
  id = created.volumeID;
  token = created.token;
  data = volumeData(backend.home, id);
  // a host folder the attacker wants: a secret file and a folder
  outside = mkdtempSync(join(tmpdir(), 'e2bts-outside-'));
  writeFileSync(join(outside, 'secret.txt'), 'host secret');
  mkdirSync(join(outside, 'dir'));
  writeFileSync(join(outside, 'dir', 'keep.txt'), 'keep me');
  // what sandbox root would plant in the volume
  symlinkSync(join(outside, 'secret.txt'), join(data, 'link-file'));
  symlinkSync(join(outside, 'dir'), join(data, 'link-dir'));
  symlinkSync('../../../../../../../../', join(data, 'link-up'));
  mkdirSync(join(data, 'real'));
  symlinkSync(join(outside, 'dir'), join(data, 'real', 'nested-link'));
});

afterAll(async () => {
  await backend?.dispose();
  if (outside) rmSync(outside, { recursive: true, force: true });
});

describe('a hostile tree inside a volume', () => {
  it('a symlink is reported as a symlink, never followed by stat or list', async () => {
    const stat = await content('GET', 'path', { path: '/link-file' });
    expect(stat.status).toBe(200);
    expect(stat.body).toMatchObject({ type: 'symlink', target: join(outside, 'secret.txt') });
    const list = await content('GET', 'dir', { path: '/', depth: '5' });
    expect(list.status).toBe(200);
    const paths = (list.body as Json[]).map((e) => e.path);
    expect(paths).toContain('/link-dir');
    expect(paths).not.toContain('/link-dir/keep.txt');
    expect(paths.some((p: string) => p.startsWith('/link-up/'))).toBe(false);
    expect(paths.some((p: string) => p.startsWith('/real/nested-link/'))).toBe(false);
    expect(list.text).not.toContain('keep me');
  });

  it('reading through a symlink (as the file, or as a folder on the way) gives nothing of the host', async () => {
    for (const path of ['/link-file', '/link-dir/keep.txt', '/link-up/etc/hostname', '/real/nested-link/keep.txt']) {
      const res = await content('GET', 'file', { path });
      expect(res.status, path).toBeGreaterThanOrEqual(400);
      expect(res.text, path).not.toContain('host secret');
      expect(res.text, path).not.toContain('keep me');
    }
    expect((await content('GET', 'dir', { path: '/link-dir' })).status).toBe(400);
  });

  it('writing through a symlink never writes outside; writing onto one (force) replaces the link, not its target', async () => {
    expect((await content('PUT', 'file', { path: '/link-dir/planted.txt' }, 'x')).status).toBeGreaterThanOrEqual(400);
    expect((await content('PUT', 'file', { path: '/real/nested-link/planted.txt' }, 'x')).status).toBeGreaterThanOrEqual(400);
    expect(readdirSync(join(outside, 'dir'))).toEqual(['keep.txt']);
    expect((await content('PUT', 'file', { path: '/link-file' }, 'overwritten')).status).toBe(409);
    const forced = await content('PUT', 'file', { path: '/link-file', force: 'true' }, 'overwritten');
    expect(forced.status).toBe(201);
    expect(readFileSync(join(outside, 'secret.txt'), 'utf8')).toBe('host secret');
    expect(lstatSync(join(data, 'link-file')).isFile()).toBe(true);
    expect((await content('POST', 'dir', { path: '/link-dir/newdir', force: 'true' })).status).toBeGreaterThanOrEqual(400);
    expect(readdirSync(join(outside, 'dir'))).toEqual(['keep.txt']);
  });

  it('metadata changes never reach a symlink target', async () => {
    const before = statSync(join(outside, 'dir')).mode;
    const res = await content('PATCH', 'path', { path: '/link-dir' }, JSON.stringify({ mode: 0o777 }));
    expect(res.status).toBe(400);
    expect(statSync(join(outside, 'dir')).mode).toBe(before);
  });

  it('removing a symlink (or a folder holding one) removes the link only', async () => {
    expect((await content('DELETE', 'path', { path: '/link-dir' })).status).toBe(204);
    expect((await content('DELETE', 'path', { path: '/real' })).status).toBe(204);
    expect(readFileSync(join(outside, 'dir', 'keep.txt'), 'utf8')).toBe('keep me');
    expect((await content('DELETE', 'path', { path: '/link-up/tmp' })).status).toBeGreaterThanOrEqual(400);
  });

  it('".." never leaves the volume', async () => {
    for (const path of ['..', '../', '/../../etc/passwd', 'a/../../x', '/./../secret']) {
      for (const [method, route] of [
        ['GET', 'file'],
        ['GET', 'path'],
        ['GET', 'dir'],
        ['PUT', 'file'],
        ['DELETE', 'path'],
        ['POST', 'dir'],
      ] as const) {
        const res = await content(method, route, { path }, method === 'PUT' ? 'x' : undefined);
        expect(res.status, `${method} ${route} ${path}`).toBe(400);
        expect(res.body.message).toMatch(/\.\./);
      }
    }
  });
});

describe('uploads', () => {
  it('a body cut off mid-upload leaves neither the file nor a temporary, and an existing file keeps its content', async () => {
    const { connect } = await import('node:net');
    expect((await content('PUT', 'file', { path: '/kept.txt' }, 'old content')).status).toBe(201);
    for (const [path, force] of [
      ['/cut.txt', 'false'],
      ['/kept.txt', 'true'],
    ]) {
      const socket = connect(backend.port, '127.0.0.1');
      await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
      socket.write(
        `PUT /volumecontent/${id}/file?path=${encodeURIComponent(path)}&force=${force} HTTP/1.1\r\nHost: 127.0.0.1:${backend.port}\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/octet-stream\r\nContent-Length: 1000000\r\n\r\n`,
      );
      socket.write('x'.repeat(5000));
      // the server has the first bytes once a temporary exists in the volume's folder
      const deadline = Date.now() + 30_000;
      while (!readdirSync(data).some((n) => n.startsWith('.e2b-ts-upload-')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      socket.destroy();
      const gone = Date.now() + 30_000;
      while (readdirSync(data).some((n) => n.startsWith('.e2b-ts-upload-')) && Date.now() < gone) await new Promise((r) => setTimeout(r, 20));
      expect(
        readdirSync(data).filter((n) => n.startsWith('.e2b-ts-upload-')),
        path,
      ).toEqual([]);
    }
    expect(readdirSync(data)).not.toContain('cut.txt');
    expect(readFileSync(join(data, 'kept.txt'), 'utf8')).toBe('old content');
  });
});

describe('who can reach the content API', () => {
  it('a web page cannot: a foreign Origin or Host is refused before the token is looked at', async () => {
    const target = `/volumecontent/${id}/file?path=%2Flink-file`;
    const origin = await rawRequest(backend.port, {
      target,
      headers: [
        ['Host', `127.0.0.1:${backend.port}`],
        ['Origin', 'https://attacker.example'],
        ['Authorization', `Bearer ${token}`],
      ],
    });
    expect(origin.status).toBe(403);
    const rebinding = await rawRequest(backend.port, {
      target,
      headers: [
        ['Host', `attacker.example:${backend.port}`],
        ['Authorization', `Bearer ${token}`],
      ],
    });
    expect(rebinding.status).toBeGreaterThanOrEqual(400);
    expect(rebinding.body).not.toContain('overwritten');
  });

  it('the token is never written to the daemon log', async () => {
    const log = readFileSync(join(backend.home, 'daemon.log'), 'utf8') + backend.output();
    expect(log).not.toContain(token);
    expect(log).not.toContain(token.split('.')[2]);
  });
});
