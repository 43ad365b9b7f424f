/**
 * The multipart bodies of `POST /files`, read with busboy's multipart engine (Dicer: boundary
 * search, part headers, backpressure) and busboy's header-parameter parser. Busboy's form layer
 * on top of Dicer is not used: it cuts oversized part headers short without saying so (a part
 * with a megabyte of headers after its Content-Disposition would be written as if nothing were
 * wrong), buffers non-file parts in memory, and takes a part named `file` without a filename for
 * a text field. Each part's header object is judged here instead, against FORM_LIMITS.
 */
import type { Readable } from 'node:stream';
import { Dicer } from '@fastify/busboy';
import parseParams from '@fastify/busboy/lib/utils/parseParams.js';

/** Why a multipart body was refused: a status for envd's JSON error and its message. */
export class FormDataError extends Error {
  constructor(
    readonly status: 400 | 413,
    message: string,
  ) {
    super(message);
  }
}

/** What a multipart body may hold, per request and per part. */
export interface FormLimits {
  /** Parts named `file` (each becomes a file). */
  files: number;
  /** All other parts (ignored, as E2B's envd ignores them). */
  otherParts: number;
  /** Bytes of one part's header block, as parsed. */
  headerBytes: number;
  /** Header lines of one part. */
  headerPairs: number;
}

/**
 * - `files` 100,000: the official SDKs send all of `files.write([...])` as one request, one part
 *   per entry, with no cap of their own (E2B's envd has none), so a whole `node_modules` tree
 *   in one call is a real request. Each staged file costs envd a few hundred bytes until the
 *   request completes, so this also caps that memory (~30 MB).
 * - `otherParts` 1,000: no E2B client sends any; a browser form may add a few fields.
 * - `headerBytes` 16 KiB: clients send `Content-Disposition` with the full target path as
 *   filename (PATH_MAX 4,096 bytes, up to 12 KiB once undici or a browser percent-escapes it)
 *   and a `Content-Type`, never more.
 * - `headerPairs` 16: every client sends two lines per part (Content-Disposition, Content-Type).
 *
 * No field-size limit: parts other than `file` are drained, never buffered. No file-size limit:
 * files go to disk as they arrive, bounded by the sandbox's disk.
 */
export const FORM_LIMITS: FormLimits = { files: 100_000, otherParts: 1_000, headerBytes: 16 << 10, headerPairs: 16 };

/**
 * Bytes a part's stream holds before it pushes back on the request: large enough that the file
 * writes behind it are batched (see files.ts READ_CHUNK), small enough to keep uploads in
 * bounded memory.
 */
const PART_BUFFER = 1 << 20;

/** A `file` part: where it goes (its filename, if any) and its bytes as they arrive. */
export interface FilePart {
  filename?: string;
  body: Readable;
}

/** The parsed header block of one part, as Dicer hands it over (names lower-cased). */
export type PartHeader = Record<string, string[]>;

/** What the upload needs of one part's headers: its form name, filename and media type. */
export interface PartInfo {
  name: string;
  filename?: string;
  type: string;
}

/**
 * The boundary of a multipart Content-Type (RFC 2046 §5.1.1: 1 to 70 characters), or undefined
 * when it has none or an invalid one.
 */
export function multipartBoundary(contentType: string): string | undefined {
  const params = parseParams(contentType);
  if (typeof params[0] !== 'string' || !/^multipart\/[^\s/]+$/i.test(params[0].trim())) return undefined;
  for (const param of params.slice(1)) {
    if (!Array.isArray(param) || param[0].toLowerCase() !== 'boundary') continue;
    const boundary = param[1];
    return boundary && boundary.length <= 70 && /^[0-9A-Za-z'()+_,\-./:=? ]*[0-9A-Za-z'()+_,\-./:=?]$/.test(boundary) ? boundary : undefined;
  }
  return undefined;
}

/** Bytes of a header block as parsed (name, ": ", value, CRLF per line): a lower bound of the raw size. */
export function headerBytes(header: PartHeader): number {
  let total = 0;
  for (const [name, values] of Object.entries(header)) for (const value of values) total += name.length + value.length + 4;
  return total;
}

/**
 * A part's form name, filename and media type, as E2B's envd reads them (Go's `FormName` and
 * Content-Disposition `filename` verbatim, directories included); throws FormDataError for
 * headers over the limits, a filename no path can have, or a nested multipart/mixed body.
 */
export function partInfo(header: PartHeader, limits: FormLimits = FORM_LIMITS): PartInfo {
  const pairs = Object.values(header).reduce((n, values) => n + values.length, 0);
  if (pairs > limits.headerPairs) throw new FormDataError(413, `a part has more than ${limits.headerPairs} header lines`);
  if (headerBytes(header) > limits.headerBytes) throw new FormDataError(413, `a part's headers exceed ${limits.headerBytes} bytes`);
  const type = mediaType(header['content-type']?.[0]) ?? 'application/octet-stream';
  const disposition = header['content-disposition']?.[0];
  if (!disposition) return { name: '', type };
  const params = parseParams(disposition);
  // Go's FormName is empty unless the disposition is form-data; such parts are not files.
  if (typeof params[0] !== 'string' || params[0].trim().toLowerCase() !== 'form-data') return { name: '', type };
  const param = (key: string) => params.find((p): p is [string, string] => Array.isArray(p) && p[0].toLowerCase() === key)?.[1];
  const name = param('name') ?? '';
  const filename = param('filename');
  if (name === 'file') {
    if (filename !== undefined && /[\0\r\n]/.test(filename)) throw new FormDataError(400, 'a file part has a filename with a NUL, CR or LF in it');
    // RFC 7578 §4.3 retired several files in one field as a nested multipart/mixed body; E2B's
    // envd would store its raw MIME text as one file. No E2B client sends one.
    if (type === 'multipart/mixed') throw new FormDataError(400, 'a file part holds a nested multipart/mixed body; send one part per file');
  }
  return { name, ...(filename !== undefined ? { filename } : {}), type };
}

function mediaType(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const first = parseParams(value)[0];
  return typeof first === 'string' ? first.trim().toLowerCase() : undefined;
}

/**
 * Reads the parts of a multipart `body` in order, calling `onFile` for each part named `file`
 * while its bytes still arrive; other parts are drained. Resolves once the closing boundary was
 * read and every `onFile` finished. Rejects with FormDataError for a malformed body, a body cut
 * short, or a limit crossed, and with the first error of an `onFile`; either way only after
 * every `onFile` started has settled, so the caller can clean up after all of them.
 */
export function readFormData(body: Readable, boundary: string, onFile: (file: FilePart) => Promise<void>, limits: FormLimits = FORM_LIMITS): Promise<void> {
  return new Promise((resolve, reject) => {
    const dicer = new Dicer({
      boundary,
      maxHeaderPairs: limits.headerPairs + 1,
      // Dicer keeps at most this much of a header block and drops the rest unannounced; four
      // times the limit is enough for partInfo to see that the limit was crossed.
      maxHeaderSize: limits.headerBytes * 4,
      partHwm: PART_BUFFER,
      highWaterMark: PART_BUFFER,
    } as ConstructorParameters<typeof Dicer>[0]);
    let failure: unknown;
    let files = 0;
    let others = 0;
    // Parts are handled one at a time: the next may begin while the last file is still closing.
    let chain = Promise.resolve();
    const open = new Set<Readable>();
    const settle = () => void chain.then(() => (failure === undefined ? resolve() : reject(failure)));

    const fail = (error: unknown) => {
      if (failure !== undefined) return;
      failure = error;
      body.unpipe(dicer);
      // Whatever is still reading a part stops now: no more bytes will come for it.
      for (const part of open) part.destroy(error instanceof Error ? error : new Error(String(error)));
      settle();
    };
    const malformed = (error: Error) => fail(new FormDataError(400, `invalid multipart body: ${error.message}`));

    dicer.on('part', (part: Readable) => {
      let handedOver = false;
      // Dicer reports a body that ends inside a part on the part itself (after the same on
      // itself); unheard, that ends the process. Once onFile has the part, an error on it is
      // onFile's to report (a full disk fails the write, which destroys the part with ENOSPC).
      part.on('error', (error: Error) => {
        if (!handedOver) malformed(error);
      });
      open.add(part);
      part.once('close', () => open.delete(part));
      part.once('end', () => open.delete(part));
      part.once('header', (header: PartHeader) => {
        let info: PartInfo;
        try {
          info = partInfo(header, limits);
        } catch (error) {
          fail(error);
          return;
        }
        if (info.name !== 'file') {
          if (++others > limits.otherParts) fail(new FormDataError(413, `more than ${limits.otherParts} parts other than 'file' in one request`));
          else part.resume();
          return;
        }
        if (++files > limits.files) {
          fail(new FormDataError(413, `more than ${limits.files} files in one request; send them in several`));
          return;
        }
        const file: FilePart = { ...(info.filename !== undefined ? { filename: info.filename } : {}), body: part };
        chain = chain
          .then(() => {
            if (failure !== undefined) return undefined;
            handedOver = true;
            return onFile(file);
          })
          .catch(fail);
      });
    });
    dicer.on('error', malformed);
    dicer.on('finish', () => {
      if (failure === undefined) settle();
    });
    const broken = (error: NodeJS.ErrnoException | null | undefined) =>
      fail(
        new FormDataError(
          400,
          /^Z_/.test(error?.code ?? '') ? 'invalid gzip request body' : `upload aborted: ${error?.message ?? 'the request body ended early'}`,
        ),
      );
    // A body that failed before it got here has already said so, and will not again.
    if (body.destroyed) {
      broken(body.errored);
      return;
    }
    body.on('error', broken);
    body.on('close', () => {
      if (!body.readableEnded) broken(undefined);
    });
    body.pipe(dicer);
  });
}
