/**
 * Generators of hostile input, shared by the fuzz suites so each new target (the multipart
 * parser, the request validator, ...) starts from the same vocabulary: text built from pieces
 * that have broken parsers before, paths and request targets in every spelling of a dot and a
 * separator, and the headers the daemon's edge decides on.
 *
 * Each generator mixes the hostile pieces with legitimate ones on purpose: purely random text is
 * refused at the first check, and the rules behind it would never run.
 */
import fc from 'fast-check';

/**
 * Pieces that have broken path and header handling somewhere: separators and dots in every
 * encoding (raw, percent-encoded in both cases, doubled, overlong UTF-8, full-width), escapes
 * that are malformed or decode to controls, URL delimiters, controls, and characters that change
 * under case folding (U+0130, the Kelvin sign), Unicode normalization (full-width `.`, `/`, `\`)
 * or truncation to one byte (U+012E: its low byte is `.`).
 */
export const HOSTILE_PIECES: readonly string[] = [
  '/',
  '//',
  '.',
  '..',
  '...',
  '/./',
  '/../',
  '%2e',
  '%2E',
  '%2e%2e',
  '%2E%2e',
  '.%2e',
  '%2e.',
  '%252e',
  '%252E%252e',
  '%25',
  '%',
  '%2f',
  '%2F',
  '%252f',
  '%5c',
  '%5C',
  '%255c',
  '\\',
  '\\..\\',
  '%00',
  '%0a',
  '%0d%0a',
  '%09',
  '%20',
  '%7f',
  '%2',
  '%zz',
  '%c3',
  '%C3%A9',
  '%ff',
  '%c0%ae',
  '%e0%80%ae',
  '%ef%bc%8e',
  '%e2%80%ae',
  '?',
  '#',
  '&',
  '=',
  ';',
  ':',
  '@',
  '!',
  '$',
  "'",
  '(',
  '*',
  '+',
  ',',
  '~',
  '-',
  '_',
  '"',
  '<',
  '>',
  '{',
  '}',
  '|',
  '^',
  '`',
  '[',
  ']',
  ' ',
  '\t',
  '\0',
  '\r',
  '\n',
  '\r\n',
  '\x01',
  '\x7f',
  'é',
  'ÿ',
  '\u0130',
  '\u212a',
  '\uff0e',
  '\uff0f',
  '\uff3c',
  '\u012e',
  '\u202e',
  '\ufeff',
  '\ud800',
  '😀',
];

/** Names the backend routes on, and ordinary path words, so generated paths reach past the first check. */
export const ROUTE_WORDS: readonly string[] = [
  'init',
  'INIT',
  'Init',
  'files',
  'health',
  'envs',
  'metrics',
  'sandboxes',
  'v2',
  'templates',
  'snapshots',
  'volumes',
  'logs',
  'pause',
  'resume',
  'process.Process',
  'Start',
  'Connect',
  'SendInput',
  'filesystem.Filesystem',
  'ListDir',
  'WatchDir',
  'freeze',
  'compose',
  'upgrade',
  'etc',
  'passwd',
  'home',
  'user',
  'tmp',
  'root',
  'a',
  'x',
  'local',
  '49983',
  'a.b',
  '.hidden',
  'name%3Atag',
];

/** Spellings of a `.` or `..` segment that one percent-decoding turns into it. */
export const DOT_SEGMENTS: readonly string[] = ['.', '..', '%2e', '%2E', '%2e%2e', '%2E%2E', '%2e%2E', '.%2e', '%2e.', '.%2E', '%2E.'];

export const hostilePiece = (): fc.Arbitrary<string> => fc.constantFrom(...HOSTILE_PIECES);
export const routeWord = (): fc.Arbitrary<string> => fc.constantFrom(...ROUTE_WORDS);

export interface HostileTextOptions {
  /** Pieces joined, at most. @default 10 */
  maxPieces?: number;
  /**
   * Sometimes one piece repeated thousands of times (limits, quadratic loops). Off where a long
   * value only hits a limit of the platform (file names).
   * @default false
   */
  long?: boolean;
}

/** Text made of hostile pieces, route words and random UTF-16 units (lone surrogates included). */
export function hostileText(opts: HostileTextOptions = {}): fc.Arbitrary<string> {
  const short = fc
    .array(
      fc.oneof(
        { weight: 4, arbitrary: hostilePiece() },
        { weight: 3, arbitrary: routeWord() },
        { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 6 }) },
      ),
      { maxLength: opts.maxPieces ?? 10 },
    )
    .map((parts) => parts.join(''));
  if (!opts.long) return short;
  const long = fc.tuple(fc.oneof(hostilePiece(), routeWord()), fc.integer({ min: 200, max: 20_000 })).map(([piece, n]) => piece.repeat(n));
  return fc.oneof({ weight: 9, arbitrary: short }, { weight: 1, arbitrary: long });
}

/**
 * Applies one to three edits to a string: a hostile piece inserted, a character replaced by one,
 * or a character deleted. Near-misses of legitimate input find the rules that almost hold.
 */
export function mutated(base: fc.Arbitrary<string>): fc.Arbitrary<string> {
  const edit = fc.tuple(fc.nat(), fc.constantFrom('insert', 'replace', 'delete'), hostilePiece());
  return fc.tuple(base, fc.array(edit, { minLength: 1, maxLength: 3 })).map(([text, edits]) =>
    edits.reduce((s, [at, op, piece]) => {
      const i = s.length === 0 ? 0 : at % (s.length + 1);
      if (op === 'insert') return s.slice(0, i) + piece + s.slice(i);
      if (op === 'replace') return s.slice(0, i) + piece + s.slice(i + 1);
      return s.slice(0, i) + s.slice(i + 1);
    }, text),
  );
}

/** One path segment: a route word, a dot spelling, or hostile text (which may hold separators itself). */
export function pathSegment(): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 4, arbitrary: routeWord() },
    { weight: 2, arbitrary: fc.constantFrom(...DOT_SEGMENTS) },
    { weight: 3, arbitrary: hostileText({ maxPieces: 4 }) },
  );
}

/** An origin-form-looking path: `/` and segments. */
export function hostilePath(): fc.Arbitrary<string> {
  return fc.array(pathSegment(), { maxLength: 6 }).map((segments) => `/${segments.join('/')}`);
}

/** A query string without the `?`: `key=value` pairs of words and hostile text. */
export function hostileQuery(): fc.Arbitrary<string> {
  const pair = fc.tuple(fc.oneof(routeWord(), fc.constantFrom('path', 'username', 'signature', 'signature_expiration')), hostileText({ maxPieces: 5 }));
  return fc.array(pair, { maxLength: 3 }).map((pairs) => pairs.map(([k, v]) => `${k}=${v}`).join('&'));
}

/** Request targets the backend's own clients send (before any mutation). */
export const LEGIT_TARGETS: readonly string[] = [
  '/',
  '/health',
  '/files?path=%2Ftmp%2Fx&username=user',
  '/files?path=/home/user/a.txt',
  '/process.Process/Start',
  '/filesystem.Filesystem/ListDir',
  '/init',
  '/sandboxes',
  '/v2/sandboxes?state=running',
  '/templates/local%2Fname%3Atag',
  '/sandboxes/abc/logs?start=0&limit=10',
];

/**
 * A request target: hostile paths with queries and fragments, mutated legitimate targets,
 * legitimate ones as they are, absolute-, asterisk- and authority-form, and anything at all.
 */
export function requestTarget(): fc.Arbitrary<string> {
  const suffix = (arb: fc.Arbitrary<string>, mark: string, weight: number) =>
    fc.oneof({ weight: 10 - weight, arbitrary: fc.constant('') }, { weight, arbitrary: arb.map((s) => `${mark}${s}`) });
  const originForm = fc.tuple(hostilePath(), suffix(hostileQuery(), '?', 5), suffix(hostileText({ maxPieces: 3 }), '#', 1)).map((parts) => parts.join(''));
  // The leading `/` kept: edits cluster at the start (small positions are drawn more often), and
  // a target without it stops at the first check.
  const nearLegit = mutated(fc.constantFrom(...LEGIT_TARGETS.map((t) => t.slice(1)))).map((rest) => `/${rest}`);
  const absoluteForm = fc
    .tuple(
      fc.constantFrom('http://', 'HTTP://', 'https://', '//', 'http:/', 'http:\\\\', 'file://'),
      fc.constantFrom('127.0.0.1:49982', 'localhost', 'attacker.example', ''),
      hostilePath(),
    )
    .map((parts) => parts.join(''));
  return fc.oneof(
    { weight: 6, arbitrary: originForm },
    { weight: 6, arbitrary: nearLegit },
    { weight: 3, arbitrary: fc.constantFrom(...LEGIT_TARGETS) },
    { weight: 1, arbitrary: mutated(fc.constantFrom(...LEGIT_TARGETS)) },
    { weight: 1, arbitrary: absoluteForm },
    { weight: 1, arbitrary: fc.constantFrom('*', '', '127.0.0.1:49982', 'localhost', '?', '#') },
    { weight: 1, arbitrary: hostileText({ long: true }) },
  );
}

/** What a backend looks like to the header generators: its port and the sandbox IDs worth naming. */
export interface EdgeContext {
  port: number;
  /** Real sandbox IDs (or plausible ones): naming them is what reaches a sandbox. */
  ids: readonly string[];
}

/** The backend's own `Host` spellings, sandbox hosts of the given IDs included. */
export function ownHostValue(ctx: EdgeContext): fc.Arbitrary<string> {
  const P = ctx.port;
  return fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(`127.0.0.1:${P}`, `localhost:${P}`, `[::1]:${P}`, `LocalHost:${P}`, `a.b.localhost:${P}`) },
    { weight: 1, arbitrary: fc.constantFrom(...ctx.ids).map((id) => `49983-${id}.localhost:${P}`) },
  );
}

/** `Host` values: the backend's own names, loopback spelled every other way, wrong ports, sandbox hosts, anything. */
export function hostValue(ctx: EdgeContext): fc.Arbitrary<string> {
  const P = ctx.port;
  const id = fc.constantFrom(...ctx.ids);
  const own = ownHostValue(ctx);
  const sandboxHost = fc
    .tuple(
      fc.constantFrom('49983', '3000', '049983', '99999', '0', String(P)),
      id,
      fc.constantFrom('', '-client1', '-', '.x'),
      fc.constantFrom('.localhost', '.LOCALHOST', '.localhost.', '.evil.example'),
    )
    .map(([port, sid, suffix, domain]) => `${port}-${sid}${suffix}${domain}:${P}`);
  const nearMiss = fc.constantFrom(
    `127.1:${P}`,
    `0x7f.1:${P}`,
    `2130706433:${P}`,
    `0177.0.0.1:${P}`,
    `127.0.0.2:${P}`,
    `0.0.0.0:${P}`,
    `127.0.0.1.nip.io:${P}`,
    `localhost.:${P}`,
    `localhost.attacker.example:${P}`,
    `[::ffff:127.0.0.1]:${P}`,
    `[0:0:0:0:0:0:0:1]:${P}`,
    `::1:${P}`,
    `127.0.0.1:${P + 1}`,
    `127.0.0.1:0${P}`,
    `127.0.0.1:${P}0`,
    `127.0.0.1:+${P}`,
    '127.0.0.1',
    'localhost',
    `127.0.0.1:`,
    `user@127.0.0.1:${P}`,
    `127.0.0.1:${P}/x`,
    `127.0.0.1:${P}#`,
    `-x.localhost:${P}`,
    `.localhost:${P}`,
    `a_b.localhost:${P}`,
    `attacker.example:${P}`,
    `attacker.example`,
    '',
  );
  return fc.oneof(
    { weight: 4, arbitrary: own },
    { weight: 2, arbitrary: sandboxHost },
    { weight: 3, arbitrary: nearMiss },
    { weight: 1, arbitrary: mutated(own) },
    { weight: 1, arbitrary: hostileText({ long: true }) },
  );
}

/** The backend's own origins. */
export function ownOriginValue(ctx: EdgeContext): fc.Arbitrary<string> {
  return fc.constantFrom(`http://127.0.0.1:${ctx.port}`, `http://localhost:${ctx.port}`, `http://[::1]:${ctx.port}`);
}

/** `Origin` values: the backend's own origins, their near misses, `null`, foreign sites, anything. */
export function originValue(ctx: EdgeContext): fc.Arbitrary<string> {
  const P = ctx.port;
  const own = ownOriginValue(ctx);
  const near = fc.constantFrom(
    'null',
    '',
    `https://127.0.0.1:${P}`,
    `http://127.0.0.1:${P}/`,
    `http://LOCALHOST:${P}`,
    `http://x.localhost:${P}`,
    'http://127.0.0.1',
    'https://attacker.example',
    'file://',
  );
  return fc.oneof(
    { weight: 3, arbitrary: own },
    { weight: 3, arbitrary: near },
    { weight: 1, arbitrary: mutated(own) },
    { weight: 1, arbitrary: hostileText() },
  );
}

/** `Sec-Fetch-Site` values. */
export function fetchSiteValue(): fc.Arbitrary<string> {
  return fc.oneof(fc.constantFrom('same-origin', 'none', 'same-site', 'cross-site', '', 'Same-Origin', 'same-origin, none'), hostileText({ maxPieces: 3 }));
}

/** `E2b-Sandbox-Id` values: the IDs given, with client suffixes, in other cases, joined, with paths, anything. */
export function sandboxIdValue(ctx: EdgeContext): fc.Arbitrary<string> {
  const id = fc.constantFrom(...ctx.ids);
  return fc.oneof(
    { weight: 4, arbitrary: id },
    { weight: 1, arbitrary: id.map((i) => `${i}-client1`) },
    { weight: 1, arbitrary: id.map((i) => i.toUpperCase()) },
    { weight: 1, arbitrary: fc.tuple(id, id).map(([a, b]) => `${a}, ${b}`) },
    { weight: 1, arbitrary: id.map((i) => `${i}/../x`) },
    { weight: 1, arbitrary: fc.stringMatching(/^[a-z0-9]{1,24}$/) },
    { weight: 1, arbitrary: mutated(id) },
    { weight: 1, arbitrary: hostileText() },
  );
}

/** `E2b-Sandbox-Port` values. */
export function sandboxPortValue(): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 3, arbitrary: fc.constant('49983') },
    { weight: 2, arbitrary: fc.integer({ min: 1, max: 65535 }).map(String) },
    { weight: 2, arbitrary: fc.constantFrom('049983', '99999', '65536', '0', '-1', '49983x', ' 49983', '4.9983e4', '') },
    { weight: 1, arbitrary: hostileText({ maxPieces: 3 }) },
  );
}

/** The headers the edge decides on, each of which must appear once. */
export const EDGE_HEADERS = ['host', 'origin', 'sec-fetch-site', 'e2b-sandbox-id', 'e2b-sandbox-port'] as const;

/**
 * Header lists as received, repeats and case variants included, in three shapes: what a
 * legitimate client sends (a `Host` of the backend's, perhaps a sandbox ID and port, its own
 * origin); that with a few hostile headers slipped in among them; and a random list, usually
 * headed by a `Host`. Names are HTTP tokens; values may hold anything.
 */
export function requestHeaders(ctx: EdgeContext): fc.Arbitrary<Array<[string, string]>> {
  const named = (name: string, value: fc.Arbitrary<string>) => fc.tuple(fc.mixedCase(fc.constant(name)), value);
  const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
  const other = fc.tuple(
    fc.constantFrom(
      'X-Access-Token',
      'X-API-Key',
      'Authorization',
      'Content-Type',
      'X-E2B-TS-Platform',
      'Forwarded',
      'X-Forwarded-Host',
      'X-Forwarded-For',
      'Cookie',
      'X-Anything',
    ),
    hostileText({ maxPieces: 4 }),
  );
  const pair = fc.oneof(
    named('Host', hostValue(ctx)),
    named('Origin', originValue(ctx)),
    named('Sec-Fetch-Site', fetchSiteValue()),
    named('E2b-Sandbox-Id', sandboxIdValue(ctx)),
    named('E2b-Sandbox-Port', sandboxPortValue()),
    other,
  );
  const browser = fc.tuple(
    maybe(named('Origin', ownOriginValue(ctx))),
    maybe(named('Sec-Fetch-Site', fc.constantFrom('same-origin', 'none'))),
    fc.array(other, { maxLength: 2 }),
  );
  const control = fc
    .tuple(named('Host', fc.constantFrom(`127.0.0.1:${ctx.port}`, `localhost:${ctx.port}`, `[::1]:${ctx.port}`)), browser)
    .map(([host, [origin, site, rest]]) => [host, origin, site, ...rest]);
  const envd = fc
    .tuple(
      named('Host', ownHostValue(ctx)),
      named('E2b-Sandbox-Id', fc.constantFrom(...ctx.ids)),
      maybe(named('E2b-Sandbox-Port', fc.constant('49983'))),
      browser,
    )
    .map(([host, id, port, [origin, site, rest]]) => [host, id, port, origin, site, ...rest]);
  // A user port (the sandbox's web app): its host, maybe the matching headers, any Origin.
  const app = fc
    .tuple(
      fc.constantFrom('8000', '1', '65535', String(ctx.port)),
      fc.constantFrom(...ctx.ids),
      fc.boolean(),
      maybe(named('Origin', originValue(ctx))),
      maybe(named('Sec-Fetch-Site', fetchSiteValue())),
      fc.array(other, { maxLength: 2 }),
    )
    .map(([port, id, headers, origin, site, rest]) => [
      ...(headers ? [['E2b-Sandbox-Id', id] as [string, string], ['E2b-Sandbox-Port', port] as [string, string]] : []),
      ['Host', `${port}-${id}.localhost:${ctx.port}`] as [string, string],
      origin,
      site,
      ...rest,
    ]);
  const legit = fc.oneof(control, envd, app).map((list) => list.filter((h): h is [string, string] => h !== undefined));
  const slippedIn = fc.tuple(legit, fc.array(fc.tuple(fc.nat(), pair), { minLength: 1, maxLength: 2 })).map(([headers, extra]) =>
    extra.reduce((list, [at, header]) => {
      const i = at % (list.length + 1);
      return [...list.slice(0, i), header, ...list.slice(i)];
    }, headers),
  );
  const random = fc
    .tuple(fc.option(named('Host', hostValue(ctx)), { freq: 5, nil: undefined }), fc.array(pair, { maxLength: 5 }))
    .map(([host, rest]) => (host ? [host, ...rest] : rest));
  return fc.oneof({ weight: 2, arbitrary: legit }, { weight: 3, arbitrary: slippedIn }, { weight: 3, arbitrary: random });
}

/** One part of a generated multipart body, before it is written out. */
export interface GenPart {
  /** `file`: a part named file; `other`: another form field; `bare`: no Content-Disposition at all. */
  kind: 'file' | 'other' | 'bare';
  /** The filename parameter of a file part, unescaped (absent: a file part without one). */
  filename?: string;
  data: Buffer;
  /** Header lines after the Content-Disposition (media types, junk, a nested multipart, repeats). */
  extra: string[];
}

/** A multipart body's parts and the boundary that separates them. */
export interface GenBody {
  boundary: string;
  parts: GenPart[];
}

/** Boundaries clients send, and legal ones that stress the search (spaces, a `-` run, one character, 70). */
export const LEGIT_BOUNDARIES: readonly string[] = [
  '----formdata-undici-078913497715',
  '----WebKitFormBoundary7MA4YWxkTrZu0gW',
  'X-INSOMNIA-BOUNDARY',
  'a',
  '-',
  'with space and (punct)',
  'b'.repeat(70),
  "'()+_,-./:=?",
];

/**
 * Part bytes that are almost a delimiter (`CRLF--boundary`) or the start of one: prefixes of it,
 * the delimiter without its CRLF, a lone CR or LF before it, the closing marker, in `data` they
 * make the boundary search back off and resume.
 */
export function nearDelimiters(boundary: string): string[] {
  const cut = Math.max(1, boundary.length - 1);
  return [
    '\r',
    '\n',
    '\r\n',
    '\r\n-',
    '\r\n--',
    `\r\n--${boundary.slice(0, cut)}`,
    `--${boundary}`,
    `\n--${boundary}`,
    `\r--${boundary}`,
    `\r\r\n--${boundary.slice(0, 1)}`,
    `--${boundary}--`,
    '\r\n\r\n',
    `-${boundary}`,
  ];
}

/** A part's bytes: random bytes mixed with near-delimiters, sometimes large (crossing the reader's buffers). */
export function partData(boundary: string): fc.Arbitrary<Buffer> {
  const pieces = fc.array(
    fc.oneof(
      { weight: 3, arbitrary: fc.uint8Array({ maxLength: 24 }).map((a) => Buffer.from(a)) },
      { weight: 2, arbitrary: fc.constantFrom(...nearDelimiters(boundary)).map((s) => Buffer.from(s, 'latin1')) },
      { weight: 1, arbitrary: hostileText({ maxPieces: 3 }).map((s) => Buffer.from(s)) },
    ),
    { maxLength: 8 },
  );
  const big = fc.tuple(fc.integer({ min: 60_000, max: 300_000 }), fc.constantFrom(...nearDelimiters(boundary))).map(([n, near]) => {
    const b = Buffer.alloc(n, 0x61);
    // a near-delimiter across the reader's likely chunk edges
    b.write(near, n >> 1, 'latin1');
    return b;
  });
  return fc.oneof({ weight: 12, arbitrary: pieces.map((p) => Buffer.concat(p)) }, { weight: 1, arbitrary: big });
}

/** Header lines a part may carry besides its Content-Disposition, hostile ones included. */
export function partExtraHeaders(): fc.Arbitrary<string[]> {
  const line = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom('Content-Type: application/octet-stream', 'Content-Type: text/plain; charset=utf-8', 'content-type: image/png') },
    {
      weight: 1,
      arbitrary: fc.constantFrom('Content-Type: multipart/mixed; boundary=inner', 'Content-Transfer-Encoding: base64', 'X-Empty:', 'X-Folded: a\r\n b'),
    },
    { weight: 1, arbitrary: fc.constantFrom('no colon here', ': no name', 'X-Nul: a\0b', 'X-Latin1: \xff\xfe') },
    { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 300, max: 5_000 }), hostilePiece()).map(([n, p]) => `X-Long: ${p.replace(/[\r\n]/g, '').repeat(n)}`) },
    { weight: 1, arbitrary: fc.integer({ min: 2, max: 30 }).map((n) => Array.from({ length: n }, (_, i) => `X-Line-${i}: v`).join('\r\n')) },
  );
  return fc.array(line, { maxLength: 3 });
}

/** Writes a generated body out, closed with the closing delimiter; a filename's `"` and `\` are escaped as in a quoted string. */
export function writeBody(body: GenBody): Buffer {
  const out: Buffer[] = [];
  for (const part of body.parts) {
    const headers: string[] = [];
    if (part.kind === 'file') {
      const filename = part.filename === undefined ? '' : `; filename="${part.filename.replace(/["\\]/g, (c) => `\\${c}`)}"`;
      headers.push(`Content-Disposition: form-data; name="file"${filename}`);
    } else if (part.kind === 'other') headers.push('Content-Disposition: form-data; name="field"');
    headers.push(...part.extra);
    // header text goes on the wire as UTF-8 bytes (undici and browsers send filenames so)
    out.push(Buffer.from(`--${body.boundary}\r\n${headers.map((h) => `${h}\r\n`).join('')}\r\n`, 'utf8'), part.data, Buffer.from('\r\n'));
  }
  out.push(Buffer.from(`--${body.boundary}--\r\n`));
  return Buffer.concat(out);
}

/** Whether a part's bytes hold the delimiter itself: such a part ends where the delimiter is, not where it was generated to. */
export function holdsDelimiter(boundary: string, data: Buffer): boolean {
  return Buffer.concat([Buffer.from('\r\n'), data]).includes(Buffer.from(`\r\n--${boundary}`, 'latin1'));
}

/** Edits of a written body: cuts, bytes changed, hostile bytes inserted, ranges repeated or dropped. */
export type BodyEdit =
  | { op: 'cut'; at: number }
  | { op: 'set'; at: number; byte: number }
  | { op: 'insert'; at: number; text: string }
  | { op: 'repeat'; at: number; length: number; times: number }
  | { op: 'drop'; at: number; length: number };

export function bodyEdits(boundary: string): fc.Arbitrary<BodyEdit[]> {
  const insertions = [
    ...nearDelimiters(boundary),
    `\r\n--${boundary}\r\n`,
    `\r\n--${boundary}--\r\n`,
    'Content-Disposition: form-data; name="file"; filename="x"\r\n',
    '\0',
    '\r\n\r\n\r\n',
  ];
  const edit: fc.Arbitrary<BodyEdit> = fc.oneof(
    { weight: 3, arbitrary: fc.record({ op: fc.constant('cut' as const), at: fc.nat() }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant('set' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }) },
    {
      weight: 2,
      arbitrary: fc.record({ op: fc.constant('insert' as const), at: fc.nat(), text: fc.oneof(fc.constantFrom(...insertions), hostileText({ maxPieces: 3 })) }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        op: fc.constant('repeat' as const),
        at: fc.nat(),
        length: fc.integer({ min: 1, max: 80 }),
        times: fc.integer({ min: 2, max: 50 }),
      }),
    },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('drop' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 40 }) }) },
  );
  return fc.array(edit, { minLength: 1, maxLength: 3 });
}

export function applyEdits(bytes: Buffer, edits: readonly BodyEdit[]): Buffer {
  let b = bytes;
  for (const e of edits) {
    const at = b.length === 0 ? 0 : e.at % (b.length + 1);
    if (e.op === 'cut') b = b.subarray(0, at);
    else if (e.op === 'set') {
      if (b.length === 0) continue;
      b = Buffer.from(b);
      b[at % b.length] = e.byte;
    } else if (e.op === 'insert') b = Buffer.concat([b.subarray(0, at), Buffer.from(e.text, 'latin1'), b.subarray(at)]);
    else if (e.op === 'repeat')
      b = Buffer.concat([b.subarray(0, at), ...Array.from({ length: e.times }, () => b.subarray(at, at + e.length)), b.subarray(at + e.length)]);
    else b = Buffer.concat([b.subarray(0, at), b.subarray(at + e.length)]);
  }
  return b;
}
