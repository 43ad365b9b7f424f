/**
 * Volume scenarios run by both client libraries: the official SDK's `Volume`
 * (volume-sdk.test.ts) and ours (volume-differential.test.ts). `volumeTranscript` does every
 * call once and returns what a caller sees, with IDs, tokens and times left out, so two clients'
 * transcripts can be compared as a whole.
 */
import * as e2b from 'e2b';
import { describe, expect, it } from 'vitest';

// biome-ignore lint/suspicious/noExplicitAny: the two libraries' results are compared as plain JSON of any shape
type Json = any;

/** An error class of either library, for `instanceof`. */
type ErrorClass = abstract new (...args: never[]) => Error;

/** What both libraries' Volume instances offer. */
export interface VolumeHandle {
  volumeId: string;
  name: string;
  list(path: string, opts?: { depth?: number }): Promise<Json[]>;
  makeDir(path: string, opts?: { force?: boolean; mode?: number }): Promise<Json>;
  getInfo(path: string): Promise<Json>;
  exists(path: string): Promise<boolean>;
  updateMetadata(path: string, metadata: { uid?: number; gid?: number; mode?: number }): Promise<Json>;
  readFile(path: string, opts?: { format?: 'text' | 'bytes' | 'stream' }): Promise<Json>;
  writeFile(path: string, data: Json, opts?: { force?: boolean; mode?: number }): Promise<Json>;
  remove(path: string): Promise<void>;
}

export interface VolumeApi {
  label: string;
  errors: { VolumeError: ErrorClass; VolumeNotFoundError: ErrorClass; VolumePathNotFoundError: ErrorClass };
  create(name: string): Promise<VolumeHandle>;
  connect(id: string): Promise<VolumeHandle>;
  list(): Promise<Array<{ volumeId: string; name: string }>>;
  getInfo(id: string): Promise<{ volumeId: string; name: string; token: string; domain?: string }>;
  destroy(id: string): Promise<boolean>;
}

/** The official SDK (configured through process.env). */
export const sdkVolumes: VolumeApi = {
  label: 'official e2b SDK',
  errors: { VolumeError: e2b.VolumeError, VolumeNotFoundError: e2b.VolumeNotFoundError, VolumePathNotFoundError: e2b.VolumePathNotFoundError },
  create: (name) => e2b.Volume.create(name) as Promise<VolumeHandle>,
  connect: (id) => e2b.Volume.connect(id) as Promise<VolumeHandle>,
  list: () => e2b.Volume.list(),
  getInfo: (id) => e2b.Volume.getInfo(id),
  destroy: (id) => e2b.Volume.destroy(id),
};

function errorKind(api: VolumeApi, error: unknown): string {
  if (error instanceof api.errors.VolumePathNotFoundError) return 'VolumePathNotFoundError';
  if (error instanceof api.errors.VolumeNotFoundError) return 'VolumeNotFoundError';
  if (error instanceof api.errors.VolumeError) return 'VolumeError';
  return `other: ${(error as Error)?.name}`;
}

async function failure(api: VolumeApi, call: () => Promise<unknown>): Promise<string> {
  try {
    await call();
    return 'no error';
  } catch (error) {
    return errorKind(api, error);
  }
}

const entry = (e: Json) => ({ name: e.name, type: e.type, path: e.path, size: e.type === 'file' ? e.size : undefined, mtimeIsDate: e.mtime instanceof Date });

async function collect(stream: ReadableStream<Uint8Array>): Promise<string> {
  return Buffer.from(await new Response(stream).arrayBuffer()).toString('utf8');
}

/** Every call once; `name` must be unused. */
export async function volumeTranscript(api: VolumeApi, name: string): Promise<Json> {
  const out: Record<string, Json> = {};
  const volume = await api.create(name);
  out.created = { name: volume.name, idIsString: typeof volume.volumeId === 'string' && volume.volumeId.length > 0 };
  const info = await api.getInfo(volume.volumeId);
  out.info = { name: info.name, sameId: info.volumeId === volume.volumeId, tokenIsString: typeof info.token === 'string', domain: info.domain };
  out.listed = (await api.list()).filter((v) => v.volumeId === volume.volumeId).map((v) => ({ name: v.name }));

  out.makeDir = entry(await volume.makeDir('/d/e', { force: true }));
  out.makeDirAgain = await failure(api, () => volume.makeDir('/d/e'));
  out.makeDirNoParent = await failure(api, () => volume.makeDir('/x/y'));
  out.writeText = entry(await volume.writeFile('/d/e/a.txt', 'text in a volume'));
  out.writeBytes = entry(await volume.writeFile('/d/b.bin', new Uint8Array([0, 1, 2, 255])));
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(new TextEncoder().encode('streamed '));
      controller.enqueue(new TextEncoder().encode('upload'));
      controller.close();
    },
  });
  out.writeStream = entry(await volume.writeFile('/d/s.txt', stream));
  out.writeExisting = await failure(api, () => volume.writeFile('/d/s.txt', 'again'));
  out.writeForced = entry(await volume.writeFile('/d/s.txt', 'forced', { force: true }));
  out.writeNoParent = await failure(api, () => volume.writeFile('/missing/f.txt', 'x'));

  out.readText = await volume.readFile('/d/e/a.txt');
  out.readBytes = [...((await volume.readFile('/d/b.bin', { format: 'bytes' })) as Uint8Array)];
  out.readStream = await collect((await volume.readFile('/d/s.txt', { format: 'stream' })) as ReadableStream<Uint8Array>);
  out.readMissing = await failure(api, () => volume.readFile('/d/none'));

  out.listShallow = (await volume.list('/d')).map(entry);
  out.listDeep = (await volume.list('/d', { depth: 2 })).map((e) => e.path);
  out.listMissing = await failure(api, () => volume.list('/nope'));
  out.exists = [await volume.exists('/d/e/a.txt'), await volume.exists('/d/zzz')];
  out.getInfo = entry(await volume.getInfo('/d/e/a.txt'));
  out.getInfoMissing = await failure(api, () => volume.getInfo('/nope'));
  out.updateMetadata = ((await volume.updateMetadata('/d/e/a.txt', { mode: 0o600 })) as Json).mode;
  out.updateMissing = await failure(api, () => volume.updateMetadata('/nope', { mode: 0o600 }));

  const connected = await api.connect(volume.volumeId);
  out.connected = { name: connected.name, read: await connected.readFile('/d/e/a.txt') };

  await volume.remove('/d/e');
  out.afterRemove = [await volume.exists('/d/e'), await volume.exists('/d/e/a.txt'), await volume.exists('/d/b.bin')];
  out.removeMissing = await failure(api, () => volume.remove('/d/e'));

  out.badName = await failure(api, () => api.create('not a valid name'));
  out.takenName = await failure(api, () => api.create(name));
  out.destroy = await api.destroy(volume.volumeId);
  out.destroyAgain = await api.destroy(volume.volumeId);
  out.getInfoGone = await failure(api, () => api.getInfo(volume.volumeId));
  out.connectGone = await failure(api, () => api.connect(volume.volumeId));
  return out;
}

/** The transcript every client must produce (what E2B's API gives the official SDK). */
export const EXPECTED_TRANSCRIPT = {
  created: { name: 'NAME', idIsString: true },
  info: { name: 'NAME', sameId: true, tokenIsString: true, domain: undefined },
  listed: [{ name: 'NAME' }],
  makeDir: { name: 'e', type: 'directory', path: '/d/e', size: undefined, mtimeIsDate: true },
  makeDirAgain: 'VolumeError',
  makeDirNoParent: 'VolumePathNotFoundError',
  writeText: { name: 'a.txt', type: 'file', path: '/d/e/a.txt', size: 16, mtimeIsDate: true },
  writeBytes: { name: 'b.bin', type: 'file', path: '/d/b.bin', size: 4, mtimeIsDate: true },
  writeStream: { name: 's.txt', type: 'file', path: '/d/s.txt', size: 15, mtimeIsDate: true },
  writeExisting: 'VolumeError',
  writeForced: { name: 's.txt', type: 'file', path: '/d/s.txt', size: 6, mtimeIsDate: true },
  writeNoParent: 'VolumePathNotFoundError',
  readText: 'text in a volume',
  readBytes: [0, 1, 2, 255],
  readStream: 'forced',
  readMissing: 'VolumePathNotFoundError',
  listShallow: [
    { name: 'b.bin', type: 'file', path: '/d/b.bin', size: 4, mtimeIsDate: true },
    { name: 'e', type: 'directory', path: '/d/e', size: undefined, mtimeIsDate: true },
    { name: 's.txt', type: 'file', path: '/d/s.txt', size: 6, mtimeIsDate: true },
  ],
  listDeep: ['/d/b.bin', '/d/e', '/d/e/a.txt', '/d/s.txt'],
  listMissing: 'VolumePathNotFoundError',
  exists: [true, false],
  getInfo: { name: 'a.txt', type: 'file', path: '/d/e/a.txt', size: 16, mtimeIsDate: true },
  getInfoMissing: 'VolumePathNotFoundError',
  updateMetadata: 0o600,
  updateMissing: 'VolumePathNotFoundError',
  connected: { name: 'NAME', read: 'text in a volume' },
  afterRemove: [false, false, true],
  removeMissing: 'VolumePathNotFoundError',
  badName: 'VolumeError',
  takenName: 'VolumeError',
  destroy: true,
  destroyAgain: false,
  getInfoGone: 'VolumeNotFoundError',
  connectGone: 'VolumeNotFoundError',
};

export function expectedTranscript(name: string): Json {
  return JSON.parse(
    JSON.stringify(EXPECTED_TRANSCRIPT, (_k, v) => (v === 'NAME' ? name : v === undefined ? '__undefined__' : v)),
    (_k, v) => (v === '__undefined__' ? undefined : v),
  );
}

export function defineVolumeScenarios(api: () => VolumeApi): void {
  describe('Volume: every call', () => {
    it('create, getInfo, list, connect, destroy and every content call give what E2B gives', async () => {
      const got = await volumeTranscript(api(), `scenario-${api().label.replace(/\W+/g, '-')}`);
      expect(got).toEqual(expectedTranscript(`scenario-${api().label.replace(/\W+/g, '-')}`));
    });
  });
}
