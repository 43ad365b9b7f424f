/**
 * Malformed multipart bodies sent to `POST /files` through the daemon, as anyone holding a
 * sandbox's access token or a signed upload link can send them (a signed link is made to be
 * handed to someone else, e.g. a browser).
 *
 * envd's own multipart reader crashed on the first of them: a body that ended inside its first
 * part made the daemon answer 502 "The sandbox stopped answering", and the sandbox stayed dead
 * (envd gone) while the control plane still called it running. Each case here gets a 4xx in
 * envd's JSON error format, leaves the target folder exactly as it was (no partial, empty or
 * temporary file, no new folder, an existing file untouched) and leaves the sandbox working: a
 * command runs and a good upload lands.
 *
 * Every case has a sandbox of its own, so one that kills envd cannot hide the verdict of the next.
 */
import { chmodSync, chownSync, lstatSync, readdirSync, readFileSync, statSync, symlinkSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireSandboxFolder, startLocalBackend, type LocalBackend } from '../helpers/local-backend.js';
import { createSandbox, envdHeaders, sandboxState, startProcess, type TestSandbox } from '../helpers/sandbox-http.js';

let backend: LocalBackend;

beforeAll(async () => {
  backend = await startLocalBackend();
});
afterAll(async () => {
  await backend?.dispose();
});

const B = 'hostile7MA4YWxkTrZu0gW';
const FORM = `multipart/form-data; boundary=${B}`;
const ORIGINAL = 'the original content\n';

/** The opening of a part: its boundary line and header lines. */
const head = (...headers: string[]) => Buffer.from(`--${B}\r\n${headers.join('\r\n')}\r\n\r\n`);
const fileHeaders = (filename: string) => [`Content-Disposition: form-data; name="file"; filename="${filename}"`, 'Content-Type: application/octet-stream'];
/** A whole part: head, data and the CRLF that belongs to the next delimiter. */
const part = (headers: string[], data: string | Buffer) => Buffer.concat([head(...headers), Buffer.from(data), Buffer.from('\r\n')]);
const closing = Buffer.from(`--${B}--\r\n`);

interface Answer {
  status: number;
  contentType: string | null;
  body: string;
}

async function post(sandbox: TestSandbox, body: Buffer, contentType: string | undefined, query = 'username=root'): Promise<Answer> {
  const res = await fetch(`${backend.url}/files?${query}`, {
    method: 'POST',
    headers: { ...envdHeaders(sandbox), ...(contentType ? { 'content-type': contentType } : {}) },
    body,
  });
  return { status: res.status, contentType: res.headers.get('content-type'), body: await res.text() };
}

function postGzip(sandbox: TestSandbox, body: Buffer, contentType: string, query = 'username=root'): Promise<Answer> {
  return fetch(`${backend.url}/files?${query}`, {
    method: 'POST',
    headers: { ...envdHeaders(sandbox), 'content-type': contentType, 'content-encoding': 'gzip' },
    body,
  }).then(async (res) => ({ status: res.status, contentType: res.headers.get('content-type'), body: await res.text() }));
}

/** A sandbox with `/home/user/<dir>/keep.txt` (ORIGINAL), the only thing the folder holds. */
async function victim(): Promise<{ sandbox: TestSandbox; dir: string; host: string }> {
  const sandbox = await createSandbox(backend, true);
  const dir = '/home/user/target';
  const res = await fetch(`${backend.url}/files?path=${encodeURIComponent(`${dir}/keep.txt`)}`, {
    method: 'POST',
    headers: { ...envdHeaders(sandbox), 'content-type': 'application/octet-stream' },
    body: ORIGINAL,
  });
  expect(res.status, await res.text()).toBe(200);
  const host = join(requireSandboxFolder(backend.home, sandbox.id), 'fs', 'home', 'user', 'target');
  return { sandbox, dir, host };
}

/** Every name under a host folder, recursively, hidden ones included. */
function listing(dir: string, prefix = ''): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    out.push(prefix + name);
    if (statSync(join(dir, name)).isDirectory()) out.push(...listing(join(dir, name), `${prefix}${name}/`));
  }
  return out;
}

function expectUntouched(host: string): void {
  expect(listing(host)).toEqual(['keep.txt']);
  expect(readFileSync(join(host, 'keep.txt'), 'utf8')).toBe(ORIGINAL);
}

function expectEnvdError(answer: Answer, status: number, message?: RegExp): void {
  expect(answer.status, answer.body).toBe(status);
  expect(answer.contentType).toMatch(/^application\/json/);
  const body = JSON.parse(answer.body) as { code: number; message: string };
  expect(body).toEqual({ code: status, message: expect.any(String) });
  if (message) expect(body.message).toMatch(message);
}

/** A command runs, a good multipart upload lands, and the control plane still says running. */
async function expectWorking(sandbox: TestSandbox): Promise<void> {
  const ran = await startProcess(backend, sandbox, 'echo alive');
  expect(ran).toEqual({ status: 200, stdout: 'alive\n' });
  const form = new FormData();
  form.append('file', new Blob(['a good upload']), '/home/user/good/after.txt');
  const res = await fetch(`${backend.url}/files?username=user`, { method: 'POST', headers: envdHeaders(sandbox), body: form });
  expect(res.status, await res.clone().text()).toBe(200);
  expect(await res.json()).toEqual([{ path: '/home/user/good/after.txt', name: 'after.txt', type: 'file' }]);
  const read = await fetch(`${backend.url}/files?path=${encodeURIComponent('/home/user/good/after.txt')}`, { headers: envdHeaders(sandbox) });
  expect(await read.text()).toBe('a good upload');
  expect(await sandboxState(backend, sandbox)).toBe('running');
}

async function kill(sandbox: TestSandbox): Promise<void> {
  await fetch(`${backend.url}/sandboxes/${sandbox.id}`, { method: 'DELETE', headers: { 'X-API-Key': backend.apiKey } });
}

/** One attack: a fresh sandbox, the request, then the three promises checked. */
async function attack(send: (v: { sandbox: TestSandbox; dir: string }) => Promise<Answer>, status: number, message?: RegExp): Promise<void> {
  const v = await victim();
  try {
    expectEnvdError(await send(v), status, message);
    expectUntouched(v.host);
    await expectWorking(v.sandbox);
  } finally {
    await kill(v.sandbox);
  }
}

describe('POST /files with a malformed multipart body: 4xx, nothing written, the sandbox unharmed', () => {
  it('a body that ends inside its first part (no closing boundary)', async () => {
    await attack(({ sandbox, dir }) => post(sandbox, Buffer.concat([head(...fileHeaders(`${dir}/keep.txt`)), Buffer.from('half of the new cont')]), FORM), 400);
  });

  it('a body that ends inside the headers of its first part', async () => {
    await attack(
      ({ sandbox, dir }) => post(sandbox, Buffer.from(`--${B}\r\nContent-Disposition: form-data; name="file"; filename="${dir}/keep.txt"`), FORM),
      400,
    );
  });

  it('a multipart Content-Type without a boundary', async () => {
    await attack(({ sandbox, dir }) => post(sandbox, Buffer.concat([part(fileHeaders(`${dir}/keep.txt`), 'new'), closing]), 'multipart/form-data'), 400);
  });

  it('a boundary the body does not use', async () => {
    await attack(
      ({ sandbox, dir }) => post(sandbox, Buffer.concat([part(fileHeaders(`${dir}/keep.txt`), 'new'), closing]), 'multipart/form-data; boundary=not-the-one'),
      400,
    );
  });

  it('an empty body', async () => {
    await attack(({ sandbox }) => post(sandbox, Buffer.alloc(0), FORM), 400);
  });

  it('a 1 MiB filename', async () => {
    await attack(({ sandbox, dir }) => post(sandbox, Buffer.concat([part(fileHeaders(`${dir}/${'a'.repeat(1 << 20)}`), 'new'), closing]), FORM), 413);
  });

  it('1 MiB of part headers after a valid Content-Disposition', async () => {
    await attack(
      ({ sandbox, dir }) => post(sandbox, Buffer.concat([part([...fileHeaders(`${dir}/keep.txt`), `X-Pad: ${'p'.repeat(1 << 20)}`], 'new'), closing]), FORM),
      413,
    );
  });

  it('1 MiB of part headers before the Content-Disposition', async () => {
    await attack(
      ({ sandbox, dir }) => post(sandbox, Buffer.concat([part([`X-Pad: ${'p'.repeat(1 << 20)}`, ...fileHeaders(`${dir}/keep.txt`)], 'new'), closing]), FORM),
      413,
    );
  });

  it('a part with 1,000 header lines', async () => {
    const many = Array.from({ length: 1000 }, (_, i) => `X-H${i}: ${i}`);
    await attack(({ sandbox, dir }) => post(sandbox, Buffer.concat([part([...fileHeaders(`${dir}/keep.txt`), ...many], 'new'), closing]), FORM), 413);
  });

  it('an endless part: 8 MiB into a new folder, then the body ends without a boundary', async () => {
    await attack(({ sandbox, dir }) => post(sandbox, Buffer.concat([head(...fileHeaders(`${dir}/sub/new.bin`)), Buffer.alloc(8 << 20, 'x')]), FORM), 400);
  });

  it('a part streamed slowly over chunked encoding, then the body ends inside it', async () => {
    await attack(async ({ sandbox, dir }) => {
      const socket = await slowUpload(sandbox, `${dir}/keep.txt`);
      socket.write('0\r\n\r\n');
      return answerOf(socket);
    }, 400);
  });

  it('a part streamed slowly, then the connection dropped: nothing lands and the temporary goes', async () => {
    const v = await victim();
    try {
      const socket = await slowUpload(v.sandbox, `${v.dir}/sub/new.txt`);
      socket.destroy();
      // envd learns of the abort through the daemon; give it the moment that takes.
      for (let i = 0; i < 200 && listing(v.host).length !== 1; i++) await sleep(50);
      expectUntouched(v.host);
      await expectWorking(v.sandbox);
    } finally {
      await kill(v.sandbox);
    }
  });

  it('a raw (octet-stream) upload cut off, to a new file and over an existing one: neither lands', async () => {
    const v = await victim();
    try {
      for (const path of [`${v.dir}/sub/new.bin`, `${v.dir}/keep.txt`]) {
        const socket = connect(backend.port, '127.0.0.1');
        await new Promise((resolve, reject) => socket.once('connect', resolve).once('error', reject));
        const headers = Object.entries({
          ...envdHeaders(v.sandbox),
          'Content-Type': 'application/octet-stream',
          'Content-Length': String(1 << 20),
          Host: `127.0.0.1:${backend.port}`,
        });
        socket.write(`POST /files?username=root&path=${encodeURIComponent(path)} HTTP/1.1\r\n${headers.map(([k, h]) => `${k}: ${h}\r\n`).join('')}\r\n`);
        for (let i = 0; i < 16; i++) {
          socket.write(Buffer.alloc(16 << 10, 'r'));
          await sleep(20);
        }
        socket.destroy();
        for (let i = 0; i < 200 && (listing(v.host).length !== 1 || readFileSync(join(v.host, 'keep.txt'), 'utf8') !== ORIGINAL); i++) await sleep(50);
        expectUntouched(v.host);
      }
      await expectWorking(v.sandbox);
    } finally {
      await kill(v.sandbox);
    }
  });

  it('a nested multipart (multipart/mixed inside the file part)', async () => {
    const inner = `--inner\r\nContent-Disposition: file; filename="a.txt"\r\n\r\nA\r\n--inner\r\nContent-Disposition: file; filename="b.txt"\r\n\r\nB\r\n--inner--`;
    await attack(
      ({ sandbox, dir }) =>
        post(
          sandbox,
          Buffer.concat([
            part([`Content-Disposition: form-data; name="file"; filename="${dir}/keep.txt"`, 'Content-Type: multipart/mixed; boundary=inner'], inner),
            closing,
          ]),
          FORM,
        ),
      400,
    );
  });

  it('a file part with no filename and no path query', async () => {
    await attack(({ sandbox }) => post(sandbox, Buffer.concat([part(['Content-Disposition: form-data; name="file"'], 'new'), closing]), FORM), 400);
  });

  it('too many parts: a good file, then 100,000 other parts', async () => {
    await attack(({ sandbox, dir }) => {
      const others = Array.from({ length: 100_000 }, (_, i) => part([`Content-Disposition: form-data; name="x${i}"`], ''));
      return post(sandbox, Buffer.concat([part(fileHeaders(`${dir}/first.txt`), 'first'), ...others, closing]), FORM);
    }, 413);
  });

  it('a multi-file body whose second part is cut off: the first, complete file does not land either', async () => {
    await attack(
      ({ sandbox, dir }) =>
        post(
          sandbox,
          Buffer.concat([part(fileHeaders(`${dir}/first.txt`), 'first'), head(...fileHeaders(`${dir}/keep.txt`)), Buffer.from('second, cut')]),
          FORM,
        ),
      400,
    );
  });

  it('bytes after the closing delimiter (an epilogue) are ignored, and do not stall the connection for the requests after it', async () => {
    // Found by test/fuzz/multipart: envd answered at the closing delimiter and left the rest
    // unread, so the next request the daemon sent on that kept-alive connection was never read.
    // (Minimized: a body that is only the closing delimiter, then 128 KiB.)
    const v = await victim();
    try {
      const epilogue = Buffer.alloc(128 << 10, 'e');
      const bodies = [Buffer.concat([closing, epilogue]), Buffer.concat([part(fileHeaders(`${v.dir}/landed.txt`), 'landed'), closing, epilogue])];
      for (const body of bodies) {
        for (const chunked of [false, true]) {
          const res = await fetch(`${backend.url}/files?username=root`, {
            method: 'POST',
            headers: { ...envdHeaders(v.sandbox), 'content-type': FORM },
            body: chunked ? new Blob([body]).stream() : body,
            ...(chunked ? { duplex: 'half' } : {}),
            signal: AbortSignal.timeout(10_000),
          } as RequestInit);
          expect(res.status, await res.text()).toBe(200);
          // the next requests go over the daemon's kept-alive connections to envd
          for (let i = 0; i < 3; i++) {
            const read = await fetch(`${backend.url}/files?path=${encodeURIComponent(`${v.dir}/keep.txt`)}`, {
              headers: envdHeaders(v.sandbox),
              signal: AbortSignal.timeout(10_000),
            });
            expect(await read.text()).toBe(ORIGINAL);
          }
        }
      }
      expect(listing(v.host)).toEqual(['keep.txt', 'landed.txt']);
      await expectWorking(v.sandbox);
    } finally {
      await kill(v.sandbox);
    }
  });

  it('a file and a file below it in one request (`x`, then `x/y`): neither lands, nor the folder made for the second', async () => {
    // found by test/fuzz/multipart: `x/y` landed before `x` failed to, and stayed
    for (let round = 0; round < 3; round++) {
      await attack(
        ({ sandbox, dir }) =>
          post(sandbox, Buffer.concat([part(fileHeaders(`${dir}/new/x`), 'a file'), part(fileHeaders(`${dir}/new/x/y`), 'below it'), closing]), FORM),
        400,
        /path is a directory/,
      );
    }
  });

  it('a gzip request body that is not gzip after its first bytes (multipart and raw)', async () => {
    const corrupt = (bytes: Buffer) => Buffer.concat([gzipSync(bytes).subarray(0, 12), Buffer.alloc(64 << 10, 'g')]);
    await attack(
      async ({ sandbox, dir }) => {
        const raw = await postGzip(sandbox, corrupt(Buffer.from('new')), 'application/octet-stream', `path=${encodeURIComponent(`${dir}/keep.txt`)}`);
        expectEnvdError(raw, 400, /gzip/);
        return postGzip(sandbox, corrupt(Buffer.concat([part(fileHeaders(`${dir}/keep.txt`), 'new'), closing])), FORM);
      },
      400,
      /gzip/,
    );
  });

  it('a well-formed gzip stream of a multipart body cut inside its part', async () => {
    await attack(
      ({ sandbox, dir }) => postGzip(sandbox, gzipSync(Buffer.concat([head(...fileHeaders(`${dir}/sub/new.txt`)), Buffer.alloc(1 << 20, 'z')])), FORM),
      400,
    );
  });

  it('a non-multipart Content-Type (text/plain, a urlencoded form, none)', async () => {
    await attack(async ({ sandbox, dir }) => {
      const body = Buffer.from(`file=${encodeURIComponent('new')}`);
      expectEnvdError(
        await post(sandbox, body, 'application/x-www-form-urlencoded', `path=${encodeURIComponent(`${dir}/keep.txt`)}`),
        400,
        /unsupported content type/,
      );
      expectEnvdError(await post(sandbox, body, undefined, `path=${encodeURIComponent(`${dir}/keep.txt`)}`), 400, /unsupported content type/);
      return post(sandbox, body, 'text/plain', `path=${encodeURIComponent(`${dir}/keep.txt`)}`);
    }, 400);
  });
});

describe('uploads that succeed land as in-place writes did', () => {
  it("a replaced file keeps its mode and becomes the user's; a symlink is written through; no temporary stays", async () => {
    const v = await victim();
    try {
      const keep = join(v.host, 'keep.txt');
      chmodSync(keep, 0o750);
      chownSync(keep, 0, 0);
      symlinkSync('keep.txt', join(v.host, 'link.txt'));
      const form = new FormData();
      form.append('file', new Blob(['through the link']), `${v.dir}/link.txt`);
      form.append('file', new Blob(['first']), `${v.dir}/twice.txt`);
      form.append('file', new Blob(['second']), `${v.dir}/twice.txt`);
      const res = await fetch(`${backend.url}/files?username=user`, { method: 'POST', headers: envdHeaders(v.sandbox), body: form });
      expect(res.status, await res.clone().text()).toBe(200);
      expect(((await res.json()) as Array<{ name: string }>).map((w) => w.name)).toEqual(['link.txt', 'twice.txt', 'twice.txt']);
      expect(lstatSync(join(v.host, 'link.txt')).isSymbolicLink()).toBe(true);
      expect(readFileSync(keep, 'utf8')).toBe('through the link');
      const st = statSync(keep);
      expect({ mode: st.mode & 0o7777, uid: st.uid }).toEqual({ mode: 0o750, uid: statSync(join(v.host, '..')).uid });
      expect(readFileSync(join(v.host, 'twice.txt'), 'utf8')).toBe('second');
      expect(listing(v.host)).toEqual(['keep.txt', 'link.txt', 'twice.txt']);
    } finally {
      await kill(v.sandbox);
    }
  });
});

/**
 * Opens a chunked upload of one file part to `path` over a raw socket and sends 32 chunks of
 * 16 KiB, one every 20 ms: the part is open and being written when this returns.
 */
async function slowUpload(sandbox: TestSandbox, path: string): Promise<ReturnType<typeof connect>> {
  const socket = connect(backend.port, '127.0.0.1');
  await new Promise((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  const headers = Object.entries({ ...envdHeaders(sandbox), 'Content-Type': FORM, 'Transfer-Encoding': 'chunked', Host: `127.0.0.1:${backend.port}` });
  socket.write(`POST /files?username=root HTTP/1.1\r\n${headers.map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`);
  const chunk = (data: Buffer) => socket.write(`${data.length.toString(16)}\r\n${data.toString('latin1')}\r\n`, 'latin1');
  chunk(head(...fileHeaders(path)));
  for (let i = 0; i < 32; i++) {
    chunk(Buffer.alloc(16 << 10, 's'));
    await sleep(20);
  }
  return socket;
}

/** The status and body of the answer on a raw socket (Connection: keep-alive is fine: read one response). */
function answerOf(socket: ReturnType<typeof connect>): Promise<Answer> {
  return new Promise((resolve) => {
    let data = '';
    const done = () => {
      const end = data.indexOf('\r\n\r\n');
      const headerText = data.slice(0, end);
      const status = Number(/^HTTP\/1\.1 (\d+)/.exec(headerText)?.[1] ?? 0);
      const contentType = /\r\ncontent-type: *([^\r]*)/i.exec(headerText)?.[1] ?? null;
      let body = data.slice(end + 4);
      if (/\r\ntransfer-encoding: *chunked/i.test(headerText)) body = dechunk(body);
      resolve({ status, contentType, body });
      socket.destroy();
    };
    socket.setEncoding('latin1');
    socket.on('data', (d: string) => {
      data += d;
      const end = data.indexOf('\r\n\r\n');
      if (end < 0) return;
      const length = /\r\ncontent-length: *(\d+)/i.exec(data.slice(0, end))?.[1];
      if (length !== undefined && data.length - end - 4 >= Number(length)) done();
      if (data.endsWith('0\r\n\r\n')) done();
    });
    socket.on('close', done);
    socket.on('error', () => {});
  });
}

function dechunk(text: string): string {
  let out = '';
  for (let at = 0; ; ) {
    const line = text.indexOf('\r\n', at);
    const size = parseInt(text.slice(at, line), 16);
    if (!size) return out;
    out += text.slice(line + 2, line + 2 + size);
    at = line + 2 + size + 2;
  }
}
