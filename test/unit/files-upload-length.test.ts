/**
 * `files.write` sends a Content-Length whenever the length is known (bytes, strings, Blobs, or a
 * stream with `size`), since a body of known length is taken far faster than a chunked one; and
 * never with gzip, whose length is only known after compressing. Checked on a real server that
 * plays both the API (sandbox lookup) and envd (/files).
 */
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { Sandbox } from '../../src/client/sandbox.js';
import { json, startTestServer, type TestServer } from '../helpers/http-server.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function sandboxOnTestServer(): Promise<Sandbox> {
  server = await startTestServer((req, res) => {
    if (req.method === 'GET' && req.url.startsWith('/sandboxes/')) {
      json(res, 200, {
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
      });
      return;
    }
    json(res, 200, [{ path: '/home/user/f', name: 'f', type: 'file' }]);
  });
  return Sandbox.attach('isbx1', { apiKey: `e2b_${'a'.repeat(40)}`, apiUrl: server.url, sandboxUrl: server.url });
}

const uploads = () => server!.requests.filter((r) => r.method === 'POST');

describe('files.write request length', () => {
  it('bytes, strings and streams with a size carry Content-Length, not chunked encoding', async () => {
    const sandbox = await sandboxOnTestServer();
    await sandbox.files.write('/home/user/f', 'héllo');
    await sandbox.files.write('/home/user/f', new Uint8Array(7));
    await sandbox.files.write('/home/user/f', Readable.from([Buffer.alloc(3), Buffer.alloc(4)]), { size: 7 });
    const [text, bytes, stream] = uploads();
    expect(text.headers['content-length']).toBe('6');
    expect(bytes.headers['content-length']).toBe('7');
    expect(stream.headers['content-length']).toBe('7');
    for (const req of uploads()) expect(req.headers['transfer-encoding']).toBeUndefined();
  });

  it('a stream without a size is chunked; gzip never claims a length', async () => {
    const sandbox = await sandboxOnTestServer();
    await sandbox.files.write('/home/user/f', Readable.from([Buffer.from('abc')]));
    await sandbox.files.write('/home/user/f', 'abc', { gzip: true });
    const [stream, gzip] = uploads();
    expect(stream.headers['content-length']).toBeUndefined();
    expect(stream.headers['transfer-encoding']).toBe('chunked');
    expect(gzip.headers['content-length']).toBeUndefined();
    expect(gzip.headers['content-encoding']).toBe('gzip');
  });

  it('a negative or fractional size is refused before anything is sent', async () => {
    const sandbox = await sandboxOnTestServer();
    await expect(sandbox.files.write('/home/user/f', Readable.from([]), { size: -1 })).rejects.toThrow(/invalid size/);
    await expect(sandbox.files.write('/home/user/f', Readable.from([]), { size: 1.5 })).rejects.toThrow(/invalid size/);
    expect(uploads()).toHaveLength(0);
  });
});
