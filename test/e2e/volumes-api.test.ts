/**
 * The local backend's volumes over raw HTTP: the control plane (`/volumes`, API key) and the
 * volume-content API (`/volumecontent/{id}/…`, the volume's own token), with the statuses and
 * bodies of E2B's specs, kept across a daemon restart.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalBackend, type LocalBackend } from '../helpers/local-backend.js';

let backend: LocalBackend;

beforeAll(async () => {
  backend = await startLocalBackend();
});
afterAll(async () => {
  await backend?.dispose();
});

// biome-ignore lint/suspicious/noExplicitAny: response bodies of any shape, checked field by field
type Json = any;

async function api(method: string, path: string, body?: unknown): Promise<{ status: number; body: Json }> {
  const res = await fetch(`${backend.url}${path}`, {
    method,
    headers: { 'X-API-Key': backend.apiKey, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

async function content(
  token: string | undefined,
  method: string,
  volumeId: string,
  route: string,
  query: Record<string, string>,
  body?: string | Uint8Array,
): Promise<{ status: number; body: Json; bytes: Buffer }> {
  const res = await fetch(`${backend.url}/volumecontent/${volumeId}/${route}?${new URLSearchParams(query)}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { 'content-type': route === 'path' ? 'application/json' : 'application/octet-stream' } : {}),
    },
    ...(body !== undefined ? { body } : {}),
  });
  const bytes = Buffer.from(await res.arrayBuffer());
  let parsed: Json;
  try {
    parsed = bytes.length ? JSON.parse(bytes.toString('utf8')) : undefined;
  } catch {
    parsed = undefined;
  }
  return { status: res.status, body: parsed, bytes };
}

describe('control plane /volumes', () => {
  it('create → 201 {volumeID, name, token}; list → [{volumeID, name}]; get → 200 with a fresh token; delete → 204, then 404', async () => {
    const created = await api('POST', '/volumes', { name: 'data-1' });
    expect(created.status).toBe(201);
    expect(Object.keys(created.body).sort()).toEqual(['name', 'token', 'volumeID']);
    expect(created.body.name).toBe('data-1');
    // a JWT, as E2B issues them
    expect(created.body.token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    const id = created.body.volumeID as string;

    const list = await api('GET', '/volumes');
    expect(list.status).toBe(200);
    expect(list.body).toContainEqual({ volumeID: id, name: 'data-1' });
    expect(Object.keys(list.body.find((v: Json) => v.volumeID === id)).sort()).toEqual(['name', 'volumeID']);

    const got = await api('GET', `/volumes/${id}`);
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({ volumeID: id, name: 'data-1' });
    expect(typeof got.body.token).toBe('string');

    expect((await api('DELETE', `/volumes/${id}`)).status).toBe(204);
    const gone = await api('GET', `/volumes/${id}`);
    expect(gone.status).toBe(404);
    expect(gone.body).toMatchObject({ code: 404 });
    expect((await api('DELETE', `/volumes/${id}`)).status).toBe(404);
    expect((await api('GET', '/volumes')).body.map((v: Json) => v.volumeID)).not.toContain(id);
  });

  it('refuses names E2B refuses (pattern ^[a-zA-Z0-9_-]+$) with 400, and a second volume of one name with 409', async () => {
    for (const name of ['', 'has space', 'dot.ted', 'slash/y', '../up', 'ünï']) {
      const res = await api('POST', '/volumes', { name });
      expect(res.status, name).toBe(400);
      expect(res.body.message, name).toMatch(/doesn't match the regular expression|name/);
    }
    expect((await api('POST', '/volumes', { name: 'x'.repeat(129) })).status).toBe(400);
    expect((await api('POST', '/volumes', { name: 'twice' })).status).toBe(201);
    const again = await api('POST', '/volumes', { name: 'twice' });
    expect(again.status).toBe(409);
    expect(again.body.message).toMatch(/already exists/);
  });

  it('needs the API key', async () => {
    const res = await fetch(`${backend.url}/volumes`);
    expect(res.status).toBe(401);
  });
});

describe('volume-content API', () => {
  let id: string;
  let token: string;
  beforeAll(async () => {
    const created = await api('POST', '/volumes', { name: 'content' });
    id = created.body.volumeID;
    token = created.body.token;
  });

  it('every operation, with the statuses of openapi-volumecontent.yml', async () => {
    const mk = await content(token, 'POST', id, 'dir', { path: '/a/b', force: 'true' });
    expect(mk.status).toBe(201);
    expect(mk.body).toMatchObject({ name: 'b', type: 'directory', path: '/a/b' });
    for (const key of ['size', 'mode', 'uid', 'gid']) expect(typeof mk.body[key], key).toBe('number');
    for (const key of ['atime', 'mtime', 'ctime']) expect(Number.isNaN(Date.parse(mk.body[key])), key).toBe(false);
    // without force, a missing parent is 404 and an existing folder 409
    expect((await content(token, 'POST', id, 'dir', { path: '/nope/c' })).status).toBe(404);
    expect((await content(token, 'POST', id, 'dir', { path: '/a/b' })).status).toBe(409);

    const put = await content(token, 'PUT', id, 'file', { path: '/a/b/hello.txt', mode: String(0o640) }, 'hello volume');
    expect(put.status).toBe(201);
    expect(put.body).toMatchObject({ name: 'hello.txt', type: 'file', path: '/a/b/hello.txt', size: 12, mode: 0o640 });
    // an existing file is overwritten only with force
    expect((await content(token, 'PUT', id, 'file', { path: '/a/b/hello.txt' }, 'other')).status).toBe(409);
    expect((await content(token, 'PUT', id, 'file', { path: '/a/b/hello.txt', force: 'true' }, 'hello again')).status).toBe(201);
    expect((await content(token, 'PUT', id, 'file', { path: '/missing/x.txt' }, 'x')).status).toBe(404);

    const read = await content(token, 'GET', id, 'file', { path: '/a/b/hello.txt' });
    expect(read.status).toBe(200);
    expect(read.bytes.toString()).toBe('hello again');
    expect((await content(token, 'GET', id, 'file', { path: '/a/b/none.txt' })).status).toBe(404);

    const stat = await content(token, 'GET', id, 'path', { path: 'a/b/hello.txt' });
    expect(stat.status).toBe(200);
    expect(stat.body).toMatchObject({ name: 'hello.txt', type: 'file', size: 11 });

    const patched = await content(token, 'PATCH', id, 'path', { path: '/a/b/hello.txt' }, JSON.stringify({ mode: 0o600 }));
    expect(patched.status).toBe(200);
    expect(patched.body.mode).toBe(0o600);

    const shallow = await content(token, 'GET', id, 'dir', { path: '/' });
    expect(shallow.status).toBe(200);
    expect(shallow.body.map((e: Json) => e.path)).toEqual(['/a']);
    const deep = await content(token, 'GET', id, 'dir', { path: '/', depth: '3' });
    expect(deep.body.map((e: Json) => e.path)).toEqual(['/a', '/a/b', '/a/b/hello.txt']);
    expect((await content(token, 'GET', id, 'dir', { path: '/a/b/hello.txt' })).status).toBe(400);

    // an empty file reads back empty
    expect((await content(token, 'PUT', id, 'file', { path: '/empty' }, '')).status).toBe(201);
    const empty = await content(token, 'GET', id, 'file', { path: '/empty' });
    expect(empty.status).toBe(200);
    expect(empty.bytes.length).toBe(0);

    expect((await content(token, 'DELETE', id, 'path', { path: '/a' })).status).toBe(204);
    expect((await content(token, 'GET', id, 'path', { path: '/a' })).status).toBe(404);
    expect((await content(token, 'DELETE', id, 'path', { path: '/a' })).status).toBe(404);
    expect((await content(token, 'DELETE', id, 'path', { path: '/' })).status).toBe(400);
    // no upload leftovers
    expect((await content(token, 'GET', id, 'dir', { path: '/' })).body.map((e: Json) => e.name)).toEqual(['empty']);
  });

  it('errors carry {code: <string>, message}', async () => {
    const res = await content(token, 'GET', id, 'path', { path: '/not-here' });
    expect(res.status).toBe(404);
    expect(typeof res.body.code).toBe('string');
    expect(res.body.message).toMatch(/not found/);
    const noPath = await content(token, 'GET', id, 'path', {});
    expect(noPath.status).toBe(400);
  });

  it("takes only the volume's own token: none, another volume's, the API key or a forged one get 401", async () => {
    const other = await api('POST', '/volumes', { name: 'other' });
    expect((await content(undefined, 'GET', id, 'dir', { path: '/' })).status).toBe(401);
    expect((await content(other.body.token, 'GET', id, 'dir', { path: '/' })).status).toBe(401);
    expect((await content(backend.apiKey, 'GET', id, 'dir', { path: '/' })).status).toBe(401);
    const [head, body] = (token as string).split('.');
    const forgedBody = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(body, 'base64url').toString()), sub: other.body.volumeID })).toString(
      'base64url',
    );
    expect((await content(`${head}.${forgedBody}.${token.split('.')[2]}`, 'GET', other.body.volumeID, 'dir', { path: '/' })).status).toBe(401);
    const res = await fetch(`${backend.url}/volumecontent/${id}/dir?path=/`, { headers: { 'X-API-Key': backend.apiKey } });
    expect(res.status).toBe(401);
    // a fresh token from GET /volumes/{id} works too
    const fresh = (await api('GET', `/volumes/${id}`)).body.token;
    expect((await content(fresh, 'GET', id, 'dir', { path: '/' })).status).toBe(200);
  });

  it('keeps volumes, their files and their tokens across a daemon restart', async () => {
    expect((await content(token, 'PUT', id, 'file', { path: '/kept.txt' }, 'kept')).status).toBe(201);
    await backend.restart();
    expect((await api('GET', '/volumes')).body).toContainEqual({ volumeID: id, name: 'content' });
    const read = await content(token, 'GET', id, 'file', { path: '/kept.txt' });
    expect(read.status).toBe(200);
    expect(read.bytes.toString()).toBe('kept');
    // and across a crash (SIGKILL: no shutdown): records are written before the 201 goes out
    const late = await api('POST', '/volumes', { name: 'before-crash' });
    expect(late.status).toBe(201);
    await backend.crash();
    await backend.restart();
    expect((await api('GET', '/volumes')).body).toContainEqual({ volumeID: late.body.volumeID, name: 'before-crash' });
    expect((await content(late.body.token, 'GET', late.body.volumeID, 'dir', { path: '/' })).status).toBe(200);
    // the volume's folder is opaque: not named after its ID or name
    expect(readdirSync(join(backend.home, 'volumes')).some((f) => f.includes(id) || f.includes('content'))).toBe(false);
  });
});

describe('the unisolated runtime', () => {
  it('refuses volume mounts with a clear 400 (a "mount" there would be the host folder itself), and serves volumes otherwise', async () => {
    const unisolated = await startLocalBackend({ env: { E2B_TS_RUNTIME: 'unisolated' } });
    try {
      const send = async (method: string, path: string, body?: unknown) => {
        const res = await fetch(`${unisolated.url}${path}`, {
          method,
          headers: { 'X-API-Key': unisolated.apiKey, 'content-type': 'application/json' },
          ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        });
        return { status: res.status, body: (await res.json()) as Json };
      };
      expect((await send('POST', '/volumes', { name: 'v' })).status).toBe(201);
      const refused = await send('POST', '/v2/sandboxes', { templateID: 'base', volumeMounts: [{ name: 'v', path: '/mnt/v' }] });
      expect(refused.status).toBe(400);
      expect(refused.body.message).toMatch(/volume mounts need the bubblewrap runtime/);
      expect((await send('GET', '/v2/sandboxes')).body).toEqual([]);
    } finally {
      await unisolated.dispose();
    }
  });
});
