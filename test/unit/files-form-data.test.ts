/**
 * envd's multipart reading for `POST /files` (src/local/envd/form-data.ts) on its own: the
 * boundary and part-header rules, the limits, and the promise that no body, however cut, split
 * or mangled, escapes as anything but a settled promise (the old hand-written reader let a part
 * cut short throw an 'error' nobody listened to, which ended envd).
 */
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FORM_LIMITS, FormDataError, headerBytes, multipartBoundary, partInfo, readFormData, type FormLimits } from '../../src/local/envd/form-data.js';
import { isUploadTemp, uploadTempName } from '../../src/local/envd/filesystem/upload-temp.js';
import { partPath } from '../../src/local/envd/files.js';

const B = 'unitB0undary';

function body(parts: Array<{ headers: string[]; data: string | Buffer }>, close = true): Buffer {
  const out: Buffer[] = [];
  for (const p of parts) out.push(Buffer.from(`--${B}\r\n${p.headers.join('\r\n')}\r\n\r\n`), Buffer.from(p.data), Buffer.from('\r\n'));
  if (close) out.push(Buffer.from(`--${B}--\r\n`));
  return Buffer.concat(out);
}

const file = (filename: string, data: string | Buffer) => ({
  headers: [`Content-Disposition: form-data; name="file"; filename="${filename}"`, 'Content-Type: application/octet-stream'],
  data,
});

/** A stream of `bytes` cut into pieces at `cuts` (sorted offsets). */
function streamOf(bytes: Buffer, cuts: number[] = []): Readable {
  const chunks: Buffer[] = [];
  let at = 0;
  for (const cut of [...cuts, bytes.length]) {
    if (cut > at) chunks.push(bytes.subarray(at, cut));
    at = Math.max(at, cut);
  }
  return Readable.from(chunks, { objectMode: false });
}

/** Reads a body; resolves with the files (filename → bytes) or the error it was refused with. */
async function read(bytes: Buffer | Readable, limits?: FormLimits): Promise<{ files: Array<[string | undefined, string]> } | { error: unknown }> {
  const files: Array<[string | undefined, string]> = [];
  try {
    await readFormData(
      Buffer.isBuffer(bytes) ? streamOf(bytes) : bytes,
      B,
      async (part) => {
        const chunks: Buffer[] = [];
        for await (const chunk of part.body) chunks.push(chunk as Buffer);
        files.push([part.filename, Buffer.concat(chunks).toString('latin1')]);
      },
      limits,
    );
    return { files };
  } catch (error) {
    return { error };
  }
}

describe('multipartBoundary', () => {
  it.each([
    [`multipart/form-data; boundary=${B}`, B],
    ['multipart/form-data; boundary="quoted with space"', 'quoted with space'],
    ['Multipart/Form-Data; BOUNDARY=----formdata-undici-012345678901', '----formdata-undici-012345678901'],
    ['multipart/mixed; charset=utf-8; boundary=abc', 'abc'],
    ['multipart/form-data; boundary=' + 'x'.repeat(70), 'x'.repeat(70)],
  ])('%s → %s', (contentType, boundary) => {
    expect(multipartBoundary(contentType)).toBe(boundary);
  });

  it.each([
    'multipart/form-data',
    'multipart/form-data; boundary=',
    'multipart/form-data; boundary=' + 'x'.repeat(71),
    'multipart/form-data; boundary="ends with space "',
    'multipart/form-data; boundary=semi\u00e9',
    'text/plain; boundary=abc',
    'application/x-www-form-urlencoded',
    '',
  ])('%j has none', (contentType) => {
    expect(multipartBoundary(contentType)).toBeUndefined();
  });
});

describe('partInfo', () => {
  const cd = (value: string, ...more: Array<[string, string]>) => ({ 'content-disposition': [value], ...Object.fromEntries(more.map(([k, v]) => [k, [v]])) });

  it('reads what the SDKs send: form name, the whole target path as filename, the media type', () => {
    expect(partInfo(cd('form-data; name="file"; filename="/home/user/a b/c.txt"', ['content-type', 'application/octet-stream']))).toEqual({
      name: 'file',
      filename: '/home/user/a b/c.txt',
      type: 'application/octet-stream',
    });
    expect(partInfo(cd('form-data; name="file"; filename="rel/dir/x"'))).toMatchObject({ filename: 'rel/dir/x', type: 'application/octet-stream' });
  });

  it('decodes quoted escapes and RFC 2231 filenames, and takes UTF-8 as UTF-8', () => {
    expect(partInfo(cd('form-data; name="file"; filename="a\\"b.txt"')).filename).toBe('a"b.txt');
    expect(partInfo(cd('form-data; name="file"; filename*=utf-8\'\'%C3%A9t%C3%A9.txt')).filename).toBe('été.txt');
    // Dicer hands header text over as latin1; the UTF-8 bytes of "ü" are two latin1 characters.
    expect(partInfo(cd(`form-data; name="file"; filename="${Buffer.from('/tmp/ü', 'utf8').toString('latin1')}"`)).filename).toBe('/tmp/ü');
  });

  it('a part that is not form-data, or has no disposition, has no form name (E2B ignores it)', () => {
    expect(partInfo(cd('attachment; name="file"; filename="x"')).name).toBe('');
    expect(partInfo({ 'content-type': ['text/plain'] })).toEqual({ name: '', type: 'text/plain' });
    expect(partInfo(cd('form-data; name="file"'))).toEqual({ name: 'file', type: 'application/octet-stream' });
  });

  it('refuses a filename no path can have, and a nested multipart/mixed file part', () => {
    for (const bad of ['a\0b', 'a\rb', 'a\nb']) {
      expect(() => partInfo(cd(`form-data; name="file"; filename="${bad}"`))).toThrow(expect.objectContaining({ status: 400 }));
    }
    expect(() => partInfo(cd('form-data; name="file"; filename="x"', ['content-type', 'multipart/mixed; boundary=inner']))).toThrow(/nested multipart/);
    // other parts may carry anything: they are drained
    expect(partInfo(cd('form-data; name="other"', ['content-type', 'multipart/mixed; boundary=inner'])).name).toBe('other');
    // a saved web page (multipart/related) is a file like any other
    expect(partInfo(cd('form-data; name="file"; filename="page.mhtml"', ['content-type', 'multipart/related; boundary=x'])).type).toBe('multipart/related');
  });

  it('refuses more header lines or bytes than the limits allow', () => {
    const lines = Object.fromEntries(Array.from({ length: FORM_LIMITS.headerPairs - 1 }, (_, i) => [`x-h${i}`, ['v']]));
    expect(partInfo({ ...cd('form-data; name="file"; filename="x"'), ...lines }).name).toBe('file');
    expect(() => partInfo({ ...cd('form-data; name="file"; filename="x"'), ...lines, 'x-one-more': ['v'] })).toThrow(
      expect.objectContaining({ status: 413, message: expect.stringMatching(/header lines/) }),
    );
    const long = `/home/user/${'%22'.repeat(4096)}`;
    expect(partInfo(cd(`form-data; name="file"; filename="${long}"`)).filename).toBe(long);
    expect(() => partInfo(cd(`form-data; name="file"; filename="${'a'.repeat(FORM_LIMITS.headerBytes)}"`))).toThrow(expect.objectContaining({ status: 413 }));
    expect(headerBytes({ a: ['b', 'cd'] })).toBe(1 + 1 + 4 + 1 + 2 + 4);
  });
});

describe('readFormData', () => {
  it('hands over each file part with its bytes, in order, and drains other parts', async () => {
    const bin = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const bytes = body([
      file('/a.txt', 'alpha'),
      { headers: ['Content-Disposition: form-data; name="note"'], data: 'ignored' },
      file('dir/b.bin', bin),
      file('/empty', ''),
    ]);
    expect(await read(bytes)).toEqual({
      files: [
        ['/a.txt', 'alpha'],
        ['dir/b.bin', bin.toString('latin1')],
        ['/empty', ''],
      ],
    });
  });

  it('takes a body split anywhere, one byte at a time included', async () => {
    // near misses of the delimiter inside the data (the delimiter itself may not appear there)
    const tricky = `x\r\n--${B.slice(0, -1)}\r\n-\r\n--\r\n${B}`;
    const bytes = body([file('/a.txt', tricky), file('/b.txt', 'beta')]);
    const want = {
      files: [
        ['/a.txt', tricky],
        ['/b.txt', 'beta'],
      ],
    };
    for (let cut = 0; cut <= bytes.length; cut++) expect(await read(streamOf(bytes, [cut]))).toEqual(want);
    expect(
      await read(
        streamOf(
          bytes,
          Array.from({ length: bytes.length }, (_, i) => i),
        ),
      ),
    ).toEqual(want);
  });

  it('refuses a body cut anywhere before its closing boundary with a 400', async () => {
    const bytes = body([file('/a.txt', 'alpha'), file('/b.txt', 'beta')]);
    const end = bytes.indexOf(`--${B}--`) + `--${B}--`.length;
    for (let length = 0; length < end; length++) {
      const result = await read(bytes.subarray(0, length));
      expect(result, `cut at ${length}`).toEqual({ error: expect.any(FormDataError) });
      expect((result as { error: FormDataError }).error.status).toBe(400);
    }
    expect(await read(bytes.subarray(0, end))).toMatchObject({
      files: [
        ['/a.txt', 'alpha'],
        ['/b.txt', 'beta'],
      ],
    });
  });

  it('counts file parts and other parts against their limits (413)', async () => {
    const limits = { ...FORM_LIMITS, files: 2, otherParts: 1 };
    const other = { headers: ['Content-Disposition: form-data; name="x"'], data: 'x' };
    expect(await read(body([file('/1', '1'), other, file('/2', '2')]), limits)).toMatchObject({
      files: [
        ['/1', '1'],
        ['/2', '2'],
      ],
    });
    expect(await read(body([file('/1', '1'), file('/2', '2'), file('/3', '3')]), limits)).toEqual({
      error: expect.objectContaining({ status: 413, message: expect.stringMatching(/more than 2 files/) }),
    });
    expect(await read(body([other, other]), limits)).toEqual({ error: expect.objectContaining({ status: 413 }) });
    // parts with no disposition at all count as other parts too
    expect(
      await read(
        body([
          { headers: ['X-A: 1'], data: '' },
          { headers: ['X-A: 1'], data: '' },
        ]),
        limits,
      ),
    ).toEqual({ error: expect.objectContaining({ status: 413 }) });
  });

  it('refuses a part with oversized headers even when Dicer cut them short', async () => {
    const pad = `X-Pad: ${'p'.repeat(1 << 20)}`;
    expect(await read(body([{ ...file('/a', 'a'), headers: [...file('/a', 'a').headers, pad] }]))).toEqual({ error: expect.objectContaining({ status: 413 }) });
    expect(await read(body([{ ...file('/a', 'a'), headers: [pad, ...file('/a', 'a').headers] }]))).toEqual({ error: expect.objectContaining({ status: 413 }) });
  });

  it('an aborted request body is a 400, and a failing onFile is the error, after it settled', async () => {
    const aborted = new Readable({ read() {} });
    aborted.push(body([file('/a', 'a')], false).subarray(0, 60));
    setImmediate(() => aborted.destroy(new Error('aborted')));
    expect(await read(aborted)).toEqual({ error: expect.objectContaining({ status: 400, message: expect.stringMatching(/aborted/) }) });

    const order: string[] = [];
    const failure = new Error('disk on fire');
    await expect(
      readFormData(streamOf(body([file('/a', 'a'), file('/b', 'b')])), B, async (part) => {
        part.body.resume();
        await new Promise((r) => setTimeout(r, 10));
        order.push(part.filename!);
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(order).toEqual(['/a']);
  });

  it("an error of onFile's own (a full disk destroying the part it reads) is the error, not a malformed body", async () => {
    const full = Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
    const result = readFormData(streamOf(body([file('/a', 'x'.repeat(100_000)), file('/b', 'b')])), B, async (part) => {
      await new Promise<void>((resolve, reject) => {
        part.body.once('data', () => part.body.destroy(full));
        part.body.once('error', reject);
        part.body.once('end', resolve);
      });
    });
    await expect(result).rejects.toBe(full);
  });

  it('a part still being read when the body fails is ended for its reader, which then settles', async () => {
    const src = new Readable({ read() {} });
    src.push(body([file('/a', 'x'.repeat(1000))], false).subarray(0, 500));
    let readerSaw: unknown;
    const done = readFormData(src, B, async (part) => {
      try {
        for await (const _ of part.body) setImmediate(() => src.push(null));
      } catch (error) {
        readerSaw = error;
        throw error;
      }
    });
    await expect(done).rejects.toMatchObject({ status: 400 });
    expect(readerSaw).toBeInstanceOf(Error);
  });

  it('fuzz: any cut, mangling or split of a body settles: files or a FormDataError, never an unhandled error', async () => {
    const partArb = fc.record({
      kind: fc.constantFrom('file', 'other', 'bare'),
      name: fc.stringMatching(/^[a-z/._-]{1,12}$/),
      data: fc.uint8Array({ maxLength: 64 }),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(partArb, { maxLength: 5 }),
        fc.nat(),
        fc.array(fc.record({ at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }), { maxLength: 4 }),
        fc.array(fc.nat(), { maxLength: 6 }),
        async (parts, cutAt, flips, cuts) => {
          const whole = body(
            parts.map((p) =>
              p.kind === 'file'
                ? file(p.name, Buffer.from(p.data))
                : p.kind === 'other'
                  ? { headers: [`Content-Disposition: form-data; name="o-${p.name}"`], data: Buffer.from(p.data) }
                  : { headers: ['Content-Type: text/plain'], data: Buffer.from(p.data) },
            ),
          );
          const bytes = Buffer.from(whole.subarray(0, whole.length ? cutAt % (whole.length + 1) : 0));
          for (const f of flips) if (bytes.length) bytes[f.at % bytes.length] = f.byte;
          const result = await read(
            streamOf(
              bytes,
              cuts.map((c) => c % (bytes.length + 1)).sort((a, b) => a - b),
            ),
            { ...FORM_LIMITS, files: 3, otherParts: 3 },
          );
          if ('error' in result) expect(result.error).toBeInstanceOf(FormDataError);
          else if (bytes.equals(whole))
            expect(result.files).toEqual(parts.filter((p) => p.kind === 'file').map((p) => [p.name, Buffer.from(p.data).toString('latin1')]));
        },
      ),
      { numRuns: 400 },
    );
  });
});

describe('upload pieces', () => {
  it('partPath: the path query wins, else the filename taken whole; neither is a 400', () => {
    expect(partPath('/q', 'a/b')).toBe('/q');
    expect(partPath(null, 'a/b/c.txt')).toBe('a/b/c.txt');
    expect(() => partPath(null, undefined)).toThrow(expect.objectContaining({ status: 400 }));
    expect(() => partPath(null, '')).toThrow(expect.objectContaining({ status: 400 }));
  });

  it('temporary names are fresh and recognized, and nothing else is taken for one', () => {
    const a = uploadTempName();
    expect(a).not.toBe(uploadTempName());
    expect(isUploadTemp(a)).toBe(true);
    for (const other of ['.e2b-ts-upload-', `${a}x`, `x${a}`, 'keep.txt', `.e2b-ts-upload-${'g'.repeat(24)}`]) expect(isUploadTemp(other)).toBe(false);
  });
});
