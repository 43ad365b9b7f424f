/**
 * Volumes: persistent storage that outlives sandboxes, with the official SDK's `Volume` surface.
 *
 * Static methods manage volumes through the control plane (API key); an instance reads and
 * writes one volume's files through E2B's volume-content API, authenticated by the volume's own
 * token (never the API key). Errors follow the SDK: a missing volume is
 * {@link VolumeNotFoundError}, a missing path {@link VolumePathNotFoundError}, other refusals
 * {@link VolumeError} (`"<status>: <message>"`); 401/403, 429 and timeouts keep their own classes.
 *
 * The token is held in a private field and exposed through a getter, so `JSON.stringify(volume)`
 * (what `--json` prints) never contains it.
 */
import type { WireVolumeEntry } from '../protocol/volume-content.js';
import { Readable } from 'node:stream';
import { checkBaseUrl, resolveConfig, type CallOptions, type Config, type ConnectionOptions } from './config.js';
import {
  AbortError,
  AuthenticationError,
  ConnectionError,
  RateLimitError,
  SandboxError,
  TimeoutError,
  VolumeError,
  VolumeNotFoundError,
  VolumePathNotFoundError,
  emptyAnswer,
  serverDetail,
} from './errors.js';
import { httpRequest, type HttpResponse } from './transport/fetch.js';
import { RestClient, encodePath } from './transport/rest.js';
import { userAgent } from '../version.js';

/** Kinds of volume entries (the SDK's `VolumeFileType`). */
export const VolumeFileType = {
  UNKNOWN: 'unknown',
  FILE: 'file',
  DIRECTORY: 'directory',
  SYMLINK: 'symlink',
} as const;
export type VolumeFileType = (typeof VolumeFileType)[keyof typeof VolumeFileType];

/** A volume as `Volume.list` gives it. */
export interface VolumeInfo {
  volumeId: string;
  name: string;
}

/** A volume with a token for its content API (`Volume.getInfo`). */
export interface VolumeAndToken extends VolumeInfo {
  token: string;
  /** Host of the content API when it is not the default `api.<domain>` (custom clusters). */
  domain?: string;
}

/** One file or folder of a volume. */
export interface VolumeEntryStat {
  name: string;
  type: VolumeFileType;
  /** Path from the volume's root, starting with `/`. */
  path: string;
  size: number;
  mode: number;
  uid: number;
  gid: number;
  atime: Date;
  mtime: Date;
  ctime: Date;
  /** A symlink's text (never resolved). */
  target?: string;
}

/** Owner and mode of an entry. */
export interface VolumeMetadataOpts {
  uid?: number;
  gid?: number;
  mode?: number;
}

/** Options of makeDir and writeFile. */
export interface VolumeWriteOpts extends VolumeMetadataOpts, CallOptions {
  /** makeDir: create missing parents; writeFile: overwrite an existing file. @default false, as E2B. */
  force?: boolean;
}

/** Options of every volume call: how to reach the API and the content API. */
export interface VolumeApiOpts extends ConnectionOptions, CallOptions {
  /**
   * Base URL of the volume-content API.
   * @default `E2B_VOLUME_API_URL`, else `https://api.<domain>` (the SDK's rule)
   */
  volumeApiUrl?: string;
}

/** Metadata calls' timeout: the SDK's 60 s. */
const METADATA_TIMEOUT_MS = 60_000;
/** File reads and writes: the SDK's one hour, for large files. */
const FILE_TIMEOUT_MS = 3_600_000;

type WireStat = WireVolumeEntry;

function statFromWire(wire: WireStat): VolumeEntryStat {
  const out: VolumeEntryStat = {
    name: wire.name,
    type: wire.type as VolumeFileType,
    path: wire.path,
    size: wire.size,
    mode: wire.mode,
    uid: wire.uid,
    gid: wire.gid,
    atime: new Date(wire.atime),
    mtime: new Date(wire.mtime),
    ctime: new Date(wire.ctime),
  };
  if (wire.target !== undefined) out.target = wire.target;
  return out;
}

/** Control-plane answers mapped as the SDK maps them for volumes. */
function asVolumeError(error: unknown, notFound?: string): unknown {
  if (!(error instanceof SandboxError) || error.status === undefined) return error;
  const status = error.status;
  if (status === 401 || status === 403 || status === 429 || status === 408 || status === 504) return error;
  if (status === 404 && notFound) return new VolumeNotFoundError(notFound, { status, cause: error });
  if (error instanceof VolumeError) return error;
  const said = serverDetail(status, (error.cause as { body?: unknown } | undefined)?.body);
  return new VolumeError(said ? `${status}: ${said}` : error.message, { status, cause: error });
}

function contentUrl(config: Config, opts: VolumeApiOpts, env: Record<string, string | undefined>, domain?: string): string {
  if (opts.volumeApiUrl) return checkBaseUrl(opts.volumeApiUrl, 'volumeApiUrl');
  const fromEnv = env.E2B_VOLUME_API_URL?.trim();
  if (fromEnv) return checkBaseUrl(fromEnv, 'E2B_VOLUME_API_URL');
  return config.debug ? 'http://localhost:8080' : `https://api.${domain ?? config.domain}`;
}

function signalFor(timeoutMs: number, signal?: AbortSignal): { signal?: AbortSignal; timeout?: AbortSignal } {
  const timeout = timeoutMs > 0 ? AbortSignal.timeout(timeoutMs) : undefined;
  const all = [signal, timeout].filter((s): s is AbortSignal => s !== undefined);
  return { ...(all.length ? { signal: all.length === 1 ? all[0] : AbortSignal.any(all) } : {}), ...(timeout ? { timeout } : {}) };
}

type WriteData = string | ArrayBuffer | Uint8Array | Blob | ReadableStream<Uint8Array> | Readable;

/** A volume: static methods manage volumes, an instance works on one volume's files. */
export class Volume {
  readonly volumeId: string;
  readonly name: string;
  /** Domain of the content API when the platform names one (custom clusters). */
  readonly domain?: string;
  /** Debug mode (the content API on localhost:8080), as the official SDK's field. */
  readonly debug?: boolean;
  /** Base URL of the content API when given explicitly (the SDK's `proxy`). */
  readonly proxy?: string;
  readonly #token: string;
  readonly #config: Config;
  readonly #contentUrl: string;

  /**
   * A handle on a volume, without any call. Usually made by {@link Volume.create} or
   * {@link Volume.connect}, which know the token.
   */
  constructor(volumeId: string, name: string, token: string, optsOrDomain?: (VolumeApiOpts & { domain?: string }) | string, debug?: boolean, proxy?: string) {
    // The official SDK's positional form (domain, debug, proxy) is accepted too.
    const opts: VolumeApiOpts & { domain?: string } =
      typeof optsOrDomain === 'string' || optsOrDomain === undefined
        ? { ...(optsOrDomain ? { domain: optsOrDomain } : {}), ...(debug !== undefined ? { debug } : {}), ...(proxy ? { volumeApiUrl: proxy } : {}) }
        : optsOrDomain;
    this.volumeId = volumeId;
    this.name = name;
    this.#token = token;
    if (opts.domain) this.domain = opts.domain;
    if (opts.debug !== undefined) this.debug = opts.debug;
    if (opts.volumeApiUrl) this.proxy = opts.volumeApiUrl;
    this.#config = resolveConfig(opts);
    this.#contentUrl = contentUrl(this.#config, opts, process.env, opts.domain);
  }

  /** The volume's content-API token (not enumerable: JSON output never shows it). */
  get token(): string {
    return this.#token;
  }

  /** Creates a volume. Names: letters, digits, `_` and `-` (E2B's rule). */
  static async create<V extends typeof Volume>(this: V, name: string, opts: VolumeApiOpts = {}): Promise<InstanceType<V>> {
    const rest = new RestClient(resolveConfig(opts));
    try {
      const res = await rest.request<{ volumeID: string; name: string; token: string; domain?: string }>({
        method: 'POST',
        path: '/volumes',
        body: { name },
        ...callOf(opts),
      });
      return new this(res.body.volumeID, res.body.name, res.body.token, {
        ...opts,
        ...(res.body.domain ? { domain: res.body.domain } : {}),
      }) as InstanceType<V>;
    } catch (error) {
      throw asVolumeError(error);
    }
  }

  /** A handle on an existing volume (fetches a fresh token). */
  static async connect<V extends typeof Volume>(this: V, volumeId: string, opts: VolumeApiOpts = {}): Promise<InstanceType<V>> {
    const info = await Volume.getInfo(volumeId, opts);
    return new this(info.volumeId, info.name, info.token, { ...opts, ...(info.domain ? { domain: info.domain } : {}) }) as InstanceType<V>;
  }

  /** A volume's name and a fresh token. */
  static async getInfo(volumeId: string, opts: VolumeApiOpts = {}): Promise<VolumeAndToken> {
    const rest = new RestClient(resolveConfig(opts));
    try {
      const res = await rest.request<{ volumeID: string; name: string; token: string; domain?: string }>({
        method: 'GET',
        path: encodePath`/volumes/${volumeId}`,
        ...callOf(opts),
      });
      const out: VolumeAndToken = { volumeId: res.body.volumeID, name: res.body.name, token: res.body.token };
      if (res.body.domain) out.domain = res.body.domain;
      return out;
    } catch (error) {
      throw asVolumeError(error, `Volume ${volumeId} not found`);
    }
  }

  /** Every volume of the team. */
  static async list(opts: VolumeApiOpts = {}): Promise<VolumeInfo[]> {
    const rest = new RestClient(resolveConfig(opts));
    try {
      const res = await rest.request<Array<{ volumeID: string; name: string }>>({ method: 'GET', path: '/volumes', ...callOf(opts) });
      return (res.body ?? []).map((v) => ({ volumeId: v.volumeID, name: v.name }));
    } catch (error) {
      throw asVolumeError(error);
    }
  }

  /** Deletes a volume and its files; false when there was none. */
  static async destroy(volumeId: string, opts: VolumeApiOpts = {}): Promise<boolean> {
    const rest = new RestClient(resolveConfig(opts));
    try {
      const res = await rest.request({ method: 'DELETE', path: encodePath`/volumes/${volumeId}`, allow: [404], ...callOf(opts) });
      return res.status !== 404;
    } catch (error) {
      throw asVolumeError(error);
    }
  }

  /** One content-API request; non-2xx answers become the SDK's errors. */
  async #send(
    method: string,
    route: 'path' | 'dir' | 'file',
    query: Record<string, string | number | boolean | undefined>,
    opts: CallOptions & { body?: string | Uint8Array | Readable; json?: boolean },
    defaultTimeoutMs: number,
  ): Promise<HttpResponse> {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined) params.set(k, String(v));
    const url = `${this.#contentUrl}/volumecontent/${encodeURIComponent(this.volumeId)}/${route}?${params}`;
    const headers: Record<string, string> = {
      'user-agent': userAgent(),
      ...this.#config.headers,
      ...(opts.headers ?? {}),
      authorization: `Bearer ${this.#token}`,
    };
    if (opts.body !== undefined) headers['content-type'] = opts.json ? 'application/json' : 'application/octet-stream';
    const { signal, timeout } = signalFor(opts.requestTimeoutMs ?? defaultTimeoutMs, opts.signal);
    let res: HttpResponse;
    try {
      res = await httpRequest(this.#config, url, { method, headers, body: opts.body, signal });
    } catch (error) {
      if (opts.signal?.aborted) throw new AbortError('the request was aborted', { cause: error });
      if (timeout?.aborted) throw new TimeoutError(`the volume request ${method} ${route} timed out`, { cause: error });
      throw new ConnectionError(`cannot reach ${new URL(this.#contentUrl).origin}`, { cause: error });
    }
    if (res.status >= 200 && res.status < 300) return res;
    const text = await res.text().catch(() => '');
    const said = serverDetail(res.status, text);
    const options = { status: res.status, cause: { status: res.status, body: text } };
    const path = String(query.path ?? '');
    if (res.status === 404) throw new VolumePathNotFoundError(`Path ${path} not found`, options);
    if (res.status === 401 || res.status === 403) throw new AuthenticationError(`unauthorized for volume ${this.volumeId}${said ? `: ${said}` : ''}`, options);
    if (res.status === 429) throw new RateLimitError(`rate limit exceeded, try again later${said ? `: ${said}` : ''}`, options);
    throw new VolumeError(said ? `${res.status}: ${said}` : emptyAnswer('the volume API', res.status), options);
  }

  async #json<T>(res: HttpResponse): Promise<T> {
    return JSON.parse(await res.text()) as T;
  }

  /** Entries of a folder; `depth` levels deep. @default depth 1 */
  async list(path: string, opts: CallOptions & { depth?: number } = {}): Promise<VolumeEntryStat[]> {
    const res = await this.#send('GET', 'dir', { path, depth: opts.depth }, opts, METADATA_TIMEOUT_MS);
    const body = await this.#json<WireStat[]>(res);
    return (Array.isArray(body) ? body : []).map(statFromWire);
  }

  /** Creates a folder (`force`: with its parents, and no error when it exists). */
  async makeDir(path: string, opts: VolumeWriteOpts = {}): Promise<VolumeEntryStat> {
    const res = await this.#send('POST', 'dir', { path, uid: opts.uid, gid: opts.gid, mode: opts.mode, force: opts.force }, opts, METADATA_TIMEOUT_MS);
    return statFromWire(await this.#json<WireStat>(res));
  }

  /** A file's or folder's details. */
  async getInfo(path: string, opts: CallOptions = {}): Promise<VolumeEntryStat> {
    const res = await this.#send('GET', 'path', { path }, opts, METADATA_TIMEOUT_MS);
    return statFromWire(await this.#json<WireStat>(res));
  }

  /** Whether a path exists (other errors are thrown). */
  async exists(path: string, opts: CallOptions = {}): Promise<boolean> {
    try {
      await this.getInfo(path, opts);
      return true;
    } catch (error) {
      if (error instanceof VolumePathNotFoundError) return false;
      throw error;
    }
  }

  /** Changes owner and mode. */
  async updateMetadata(path: string, metadata: VolumeMetadataOpts, opts: CallOptions = {}): Promise<VolumeEntryStat> {
    const body = JSON.stringify({ uid: metadata.uid, gid: metadata.gid, mode: metadata.mode });
    const res = await this.#send('PATCH', 'path', { path }, { ...opts, body, json: true }, METADATA_TIMEOUT_MS);
    return statFromWire(await this.#json<WireStat>(res));
  }

  /** Reads a file: text (default), bytes, a Blob or a stream. */
  readFile(path: string, opts?: CallOptions & { format?: 'text' }): Promise<string>;
  readFile(path: string, opts: CallOptions & { format: 'bytes' }): Promise<Uint8Array>;
  readFile(path: string, opts: CallOptions & { format: 'blob' }): Promise<Blob>;
  readFile(path: string, opts: CallOptions & { format: 'stream' }): Promise<ReadableStream<Uint8Array>>;
  async readFile(path: string, opts: CallOptions & { format?: 'text' | 'bytes' | 'blob' | 'stream' } = {}): Promise<unknown> {
    const format = opts.format ?? 'text';
    const res = await this.#send('GET', 'file', { path }, opts, FILE_TIMEOUT_MS);
    if (format === 'stream') return Readable.toWeb(res.body) as ReadableStream<Uint8Array>;
    const chunks: Buffer[] = [];
    for await (const chunk of res.body) chunks.push(chunk as Buffer);
    const bytes = Buffer.concat(chunks);
    if (format === 'bytes') return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
    if (format === 'blob') return new Blob([bytes]);
    return bytes.toString('utf8');
  }

  /**
   * Writes a file from a string, bytes, a Blob or a stream (streamed, not buffered). The parent
   * folder must exist; an existing file is replaced only with `force` (E2B's rule).
   */
  async writeFile(path: string, data: WriteData, opts: VolumeWriteOpts = {}): Promise<VolumeEntryStat> {
    let body: string | Uint8Array | Readable;
    if (typeof data === 'string' || data instanceof Uint8Array) body = data;
    else if (data instanceof ArrayBuffer) body = new Uint8Array(data);
    else if (data instanceof Readable) body = data;
    else if (typeof Blob !== 'undefined' && data instanceof Blob) body = new Uint8Array(await data.arrayBuffer());
    else body = Readable.fromWeb(data as import('node:stream/web').ReadableStream<Uint8Array>);
    const res = await this.#send('PUT', 'file', { path, uid: opts.uid, gid: opts.gid, mode: opts.mode, force: opts.force }, { ...opts, body }, FILE_TIMEOUT_MS);
    return statFromWire(await this.#json<WireStat>(res));
  }

  /** Removes a file or a folder with everything in it. */
  async remove(path: string, opts: CallOptions = {}): Promise<void> {
    const res = await this.#send('DELETE', 'path', { path }, opts, METADATA_TIMEOUT_MS);
    res.body.resume();
  }

  /** What `--json` prints: no token. */
  toJSON(): VolumeInfo {
    return { volumeId: this.volumeId, name: this.name };
  }
}

function callOf(opts: CallOptions): CallOptions {
  const out: CallOptions = {};
  if (opts.signal) out.signal = opts.signal;
  if (opts.requestTimeoutMs !== undefined) out.requestTimeoutMs = opts.requestTimeoutMs;
  if (opts.headers) out.headers = opts.headers;
  return out;
}
