/**
 * envd's multipart reader (src/local/envd/form-data.ts) and `POST /files` behind it, under
 * generated bodies: parts named `file` with hostile filenames or none, other fields, parts with no
 * disposition, part bytes full of near-delimiters, long and numerous header lines, nested
 * multipart; then the same bodies cut, with bytes changed, hostile bytes inserted, ranges
 * repeated or dropped, and delivered in pieces cut anywhere.
 *
 * The oracle is the generator's own model of the body, not the reader: for a body written as
 * generated it knows which files must come out (names, bytes, order) or which limit must refuse
 * it. For an edited body only the promises hold: the reader settles, it refuses with a
 * FormDataError (400 or 413) and nothing else, and what it does hand over are bytes of the body.
 * On a real daemon, additionally: no 5xx, a refused upload leaves nothing behind (no file, no
 * folder it made, no temporary), and the sandbox works afterwards.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, posix } from 'node:path';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FORM_LIMITS, FormDataError, readFormData, type FormLimits } from '../../src/local/envd/form-data.js';
import { requireSandboxFolder, startLocalBackend, type LocalBackend } from '../helpers/local-backend.js';
import { rawBytes, sendRaw } from '../helpers/raw-http.js';
import { createSandbox, daemonHealthy, envdHeaders, sandboxState, startProcess, type TestSandbox } from '../helpers/sandbox-http.js';
import {
  applyEdits,
  bodyEdits,
  hostilePiece,
  hostileText,
  holdsDelimiter,
  LEGIT_BOUNDARIES,
  partData,
  partExtraHeaders,
  writeBody,
  type BodyEdit,
  type GenBody,
  type GenPart,
} from './arbitraries.js';
import { fuzz } from './config.js';

/** Header lines whose parsing is the reader's business to decide (folded, nameless, with NUL or raw latin1): no exact outcome is predicted for them. */
const ODD_LINE = /^(X-Folded|no colon|: no name|X-Nul|X-Latin1)/;
const headerLines = (part: GenPart) => part.extra.flatMap((h) => h.split('\r\n'));
const byteLength = (line: string) => Buffer.byteLength(line, 'utf8');

interface Expected {
  /** The outcome cannot be told from the model (odd headers, a part holding the delimiter, a header size at the limit). */
  unsure: boolean;
  /** Statuses the reader must refuse with, when the model breaks a rule; empty when it must succeed. */
  refusals: Set<number>;
  /** The files a successful read hands over, in order. */
  files: Array<[string | undefined, Buffer]>;
}

function dispositionLine(part: GenPart): string | undefined {
  if (part.kind === 'bare') return undefined;
  if (part.kind === 'other') return 'Content-Disposition: form-data; name="field"';
  const escaped = part.filename?.replace(/["\\]/g, (c) => `\\${c}`);
  return `Content-Disposition: form-data; name="file"${escaped === undefined ? '' : `; filename="${escaped}"`}`;
}

/** What reading `body` (as written, unedited) must give under `limits`. */
function expected(body: GenBody, limits: FormLimits): Expected {
  const out: Expected = { unsure: false, refusals: new Set(), files: [] };
  let files = 0;
  let others = 0;
  for (const part of body.parts) {
    const lines = [dispositionLine(part), ...headerLines(part)].filter((l): l is string => l !== undefined);
    if (lines.some((l) => ODD_LINE.test(l)) || holdsDelimiter(body.boundary, part.data)) out.unsure = true;
    if (part.filename !== undefined && /[\r\n]/.test(part.filename)) out.unsure = true;
    // as parsed: name + value + 4 a line; the raw line is name + ": " + value, so +2
    const bytes = lines.reduce((n, l) => n + byteLength(l) + 2, 0);
    if (Math.abs(bytes - limits.headerBytes) <= 8) out.unsure = true;
    if (lines.length > limits.headerPairs || bytes > limits.headerBytes) out.refusals.add(413);
    if (part.kind !== 'file') {
      if (++others > limits.otherParts) out.refusals.add(413);
      continue;
    }
    if (++files > limits.files) out.refusals.add(413);
    if (part.filename?.includes('\0')) out.refusals.add(400);
    const type = lines.find((l) => /^content-type:/i.test(l));
    if (type && /^content-type:\s*multipart\/mixed/i.test(type)) out.refusals.add(400);
    // header text crosses the wire as UTF-8: a lone surrogate arrives as U+FFFD
    out.files.push([part.filename === undefined ? undefined : Buffer.from(part.filename, 'utf8').toString('utf8'), part.data]);
  }
  return out;
}

/** `bytes` as a stream of pieces cut at `cuts`. */
function pieces(bytes: Buffer, cuts: number[]): Readable {
  const at = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let from = 0;
  for (const cut of [...at, bytes.length]) {
    if (cut > from) chunks.push(bytes.subarray(from, cut));
    from = Math.max(from, cut);
  }
  return Readable.from(chunks, { objectMode: false });
}

type ReadResult = { files: Array<[string | undefined, Buffer]> } | { error: unknown };

async function read(bytes: Buffer, boundary: string, cuts: number[], limits: FormLimits): Promise<ReadResult> {
  const files: Array<[string | undefined, Buffer]> = [];
  try {
    await readFormData(
      pieces(bytes, cuts),
      boundary,
      async (part) => {
        const chunks: Buffer[] = [];
        for await (const chunk of part.body) chunks.push(chunk as Buffer);
        files.push([part.filename, Buffer.concat(chunks)]);
      },
      limits,
    );
    return { files };
  } catch (error) {
    return { error };
  }
}

const filename = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .array(fc.constantFrom('a', 'b.txt', 'dir', '.', '..', 'x y', 'é', '"q"', 'back\\slash', '%2e%2e', ';', '='), { minLength: 1, maxLength: 4 })
      .map((p) => p.join('/')),
  },
  { weight: 2, arbitrary: hostileText({ maxPieces: 6 }) },
  { weight: 1, arbitrary: fc.constantFrom('', '/', '/home/user/a', 'C:\\a', 'a\0b') },
  { weight: 1, arbitrary: fc.constantFrom('\0', 'dir/\0/x', 'a\0') },
);

function genPart(boundary: string, name: fc.Arbitrary<string>): fc.Arbitrary<GenPart> {
  return fc.oneof(
    { weight: 6, arbitrary: fc.record({ kind: fc.constant('file' as const), filename: name, data: partData(boundary), extra: partExtraHeaders() }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('file' as const), data: partData(boundary), extra: partExtraHeaders() }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constantFrom('other' as const, 'bare' as const), data: partData(boundary), extra: partExtraHeaders() }) },
  );
}

const genBody = (name: fc.Arbitrary<string>, maxParts: number): fc.Arbitrary<GenBody> =>
  fc
    .constantFrom(...LEGIT_BOUNDARIES)
    .chain((boundary) => fc.record({ boundary: fc.constant(boundary), parts: fc.array(genPart(boundary, name), { maxLength: maxParts }) }));

/** Small limits, so generated bodies cross every one of them. */
const SMALL: FormLimits = { files: 3, otherParts: 3, headerBytes: 256, headerPairs: 4 };

describe('the multipart reader under generated bodies', () => {
  it('a body as written gives exactly its files, or the refusal its model calls for; an edited one settles cleanly, handing over only bytes it was sent', async () => {
    const edits = fc.oneof({ weight: 1, arbitrary: fc.constant([] as BodyEdit[]) }, { weight: 2, arbitrary: fc.constant(null) });
    const input = genBody(filename, 5).chain((body) =>
      fc.record({
        body: fc.constant(body),
        edits: edits.chain((e) => (e ? fc.constant(e) : bodyEdits(body.boundary))),
        cuts: fc.array(fc.nat(), { maxLength: 8 }),
      }),
    );
    await fuzz(
      fc.asyncProperty(input, async ({ body, edits, cuts }) => {
        const written = writeBody(body);
        const bytes = applyEdits(written, edits);
        const result = await read(bytes, body.boundary, cuts, SMALL);
        if ('error' in result) {
          expect(result.error).toBeInstanceOf(FormDataError);
          expect([400, 413]).toContain((result.error as FormDataError).status);
        } else {
          for (const [, data] of result.files) expect(bytes.includes(data) || data.length === 0).toBe(true);
        }
        if (edits.length > 0 && !bytes.equals(written)) return;
        const want = expected(body, SMALL);
        if (want.unsure) return;
        if (want.refusals.size > 0) {
          expect(result).toHaveProperty('error');
          expect([...want.refusals]).toContain((result as { error: FormDataError }).error.status);
        } else {
          expect(result).toEqual({ files: want.files });
        }
      }),
      { runs: 400, hangMs: 10_000 },
    );
  });

  it('the generator reaches the rules: successes, each refusal, unsure models and edits that change nothing all occur', () => {
    const input = genBody(filename, 5);
    const seen = { ok: 0, r413: 0, r400: 0, unsure: 0, nearDelimiter: 0 };
    for (const body of fc.sample(input, { seed: 1, numRuns: 400 })) {
      const want = expected(body, SMALL);
      if (want.unsure) seen.unsure++;
      else if (want.refusals.has(413)) seen.r413++;
      else if (want.refusals.has(400)) seen.r400++;
      else if (want.files.length > 0) seen.ok++;
      if (body.parts.some((p) => p.data.includes('\r\n--'))) seen.nearDelimiter++;
    }
    // a 400 is rarer: a NUL or a nested multipart in a part that crosses no limit
    for (const [what, count] of Object.entries(seen)) expect({ what, enough: count >= (what === 'r400' ? 10 : 20) }).toEqual({ what, enough: true });
  });
});

describe('POST /files on a real daemon under generated bodies', () => {
  let backend: LocalBackend;
  let sandbox: TestSandbox;
  let home: string;
  let before: string[];
  const SENTINEL = 'sentinel.txt';

  /** Every name under a host folder, recursively. */
  const listing = (dir: string, prefix = ''): string[] =>
    readdirSync(dir)
      .sort()
      .flatMap((name) => [prefix + name, ...(statSync(join(dir, name)).isDirectory() ? listing(join(dir, name), `${prefix}${name}/`) : [])]);

  beforeAll(async () => {
    backend = await startLocalBackend();
    sandbox = await createSandbox(backend, true);
    home = join(requireSandboxFolder(backend.home, sandbox.id), 'fs', 'home', 'user');
    const wrote = await startProcess(backend, sandbox, `echo untouched > ~/${SENTINEL}`);
    expect(wrote.status).toBe(200);
    before = listing(home);
  });
  afterAll(async () => {
    await backend?.dispose();
  });

  // Relative names land under the user's home; each run writes below a folder of its own.
  const leaf = fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom('a', 'b.txt', 'dir', 'x y', 'é', '"q"', 'back\\slash', '%2e%2e', ';', '=', '.hidden') },
    { weight: 1, arbitrary: hostilePiece().filter((p) => /^[^\0\r\n/\\%]+$/.test(p) && p !== '.' && p !== '..' && p !== '...') },
  );
  // `.`, `..` and empty segments, but never out of the run's folder or naming a folder
  const relative = fc
    .array(fc.oneof({ weight: 8, arbitrary: leaf }, { weight: 1, arbitrary: fc.constantFrom('.', '..', '') }), { minLength: 1, maxLength: 3 })
    .filter((segments) => {
      const normal = posix.normalize(`run/${segments.join('/')}`);
      return normal.startsWith('run/') && !normal.endsWith('/');
    });
  const contentType = fc.oneof(
    { weight: 10, arbitrary: fc.constant((b: string) => `multipart/form-data; boundary="${b}"`) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        (_: string) => 'multipart/form-data',
        (_: string) => 'multipart/form-data; boundary=other',
        (_: string) => 'text/plain',
        (b: string) => `application/x-www-form-urlencoded; boundary="${b}"`,
      ),
    },
  );
  const edits = fc.oneof({ weight: 1, arbitrary: fc.constant([] as BodyEdit[]) }, { weight: 1, arbitrary: fc.constant(null) });

  let run = 0;
  const outcomes = { landed: 0, checkedExactly: 0, refused: 0 };
  it('answers every body with a success or a clean 4xx; a refused upload leaves nothing; a good one lands exactly', async () => {
    const input = fc.constantFrom(...LEGIT_BOUNDARIES).chain((boundary) =>
      fc.record({
        boundary: fc.constant(boundary),
        parts: fc.array(
          genPart(
            boundary,
            relative.map((segments) => segments.join('/')),
          ),
          { maxLength: 4 },
        ),
        type: contentType,
        edits: edits.chain((e) => (e ? fc.constant(e) : bodyEdits(boundary))),
        chunked: fc.boolean(),
      }),
    );
    await fuzz(
      fc.asyncProperty(input, async (gen) => {
        const folder = `fz/r${run++}`;
        const body: GenBody = {
          boundary: gen.boundary,
          parts: gen.parts.map((p) => (p.filename === undefined ? p : { ...p, filename: `${folder}/${p.filename}` })),
        };
        const written = writeBody(body);
        const bytes = applyEdits(written, gen.edits);
        const type = gen.type(gen.boundary);
        const headers: Array<[string, string]> = [...Object.entries(envdHeaders(sandbox)), ['Host', `127.0.0.1:${backend.port}`], ['Content-Type', type]];
        let payload = bytes;
        if (gen.chunked) {
          headers.push(['Transfer-Encoding', 'chunked']);
          const half = bytes.length >> 1;
          const chunk = (b: Buffer) => (b.length ? Buffer.concat([Buffer.from(`${b.length.toString(16)}\r\n`), b, Buffer.from('\r\n')]) : Buffer.alloc(0));
          payload = Buffer.concat([chunk(bytes.subarray(0, half)), chunk(bytes.subarray(half)), Buffer.from('0\r\n\r\n')]);
        }
        const res = await sendRaw(backend.port, rawBytes({ method: 'POST', target: '/files?username=user', headers, body: payload }), 60_000);

        expect(res.status, `answered: ${res.error ?? ''}`).toBeDefined();
        const status = res.status!;
        expect(status, res.body).toBeLessThan(500);
        const target = join(home, folder);
        // no upload temporary anywhere under the home, whatever the outcome
        expect(listing(home).filter((p) => /(^|\/)\.e2b-ts-upload-/.test(p))).toEqual([]);
        if (status !== 200) {
          expect(status).toBeGreaterThanOrEqual(400);
          expect(JSON.parse(res.body)).toEqual({ code: status, message: expect.any(String) });
          expect(existsSync(target), `a refused upload (${status} ${res.body}) left ${target}`).toBe(false);
          outcomes.refused++;
          return;
        }
        outcomes.landed++;
        const asWritten = bytes.equals(written) && type === `multipart/form-data; boundary="${gen.boundary}"`;
        const want = expected(body, FORM_LIMITS);
        if (!asWritten || want.unsure) return;
        expect(want.refusals.size, `accepted a body its model refuses: ${res.body}`).toBe(0);
        // the last part for a name wins, as in E2B's envd, which writes them one after another
        const landed = new Map<string, Buffer>();
        for (const [name, data] of want.files) if (name !== undefined) landed.set(posix.normalize(name), data);
        for (const [name, data] of landed) {
          const host = join(home, name);
          if (statSync(host).isFile()) expect(readFileSync(host).equals(data), `${name} holds what was sent`).toBe(true);
        }
        outcomes.checkedExactly++;
      }),
      { runs: 150, hangMs: 90_000 },
    );
  });

  it('afterwards the daemon and the sandbox work, and what the home held before is still there', async () => {
    expect(await daemonHealthy(backend)).toBe(true);
    expect(await sandboxState(backend, sandbox)).toBe('running');
    const ran = await startProcess(backend, sandbox, 'echo alive');
    expect(ran).toEqual({ status: 200, stdout: 'alive\n' });
    // (an edited filename may name another place in the home: that is an upload like any other)
    expect(listing(home)).toEqual(expect.arrayContaining(before));
    expect(readFileSync(join(home, SENTINEL), 'utf8')).toBe('untouched\n');
    // the generator reached both sides: uploads that landed (some checked byte for byte) and refusals
    expect(outcomes.landed).toBeGreaterThanOrEqual(10);
    expect(outcomes.checkedExactly).toBeGreaterThanOrEqual(5);
    expect(outcomes.refused).toBeGreaterThanOrEqual(10);
  });
});
