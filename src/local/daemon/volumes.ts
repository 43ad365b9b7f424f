/**
 * Volumes of the local backend: persistent folders that outlive sandboxes.
 *
 * Each volume is `<state>/volumes/<opaque>/`, holding `volume.json` (its record, written
 * atomically) and `data/` (its files: what sandboxes get bind-mounted and the content API
 * serves). The opaque folder name is not the volume ID, so nothing a caller names becomes a
 * host path. Records survive daemon restarts; a destroyed volume is renamed aside first (it
 * vanishes at once) and then removed.
 *
 * Tokens are what E2B issues for its volume-content API: short-lived JWTs, here HS256 signed
 * with a key only the daemon holds (`<state>/volume-token-key`, 0600), naming one volume
 * (`sub`), and checked on every content request. A token gives its volume's files and nothing
 * else; it is never logged.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, chown, mkdir, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { readJson, writeJsonAtomic, writeSecretSync } from '../store.js';
import { ApiError } from './http.js';

/** What is kept of one volume. */
export interface VolumeRecord {
  volumeID: string;
  name: string;
  createdAt: string;
}

/** E2B's rule for volume names (the `NewVolume.name` pattern of its API spec). */
export const VOLUME_NAME_PATTERN = /^[a-zA-Z0-9_-]+$/;
/**
 * Longest name accepted. E2B's spec sets no bound; one is kept so a name always fits in a
 * file name and a table column.
 */
export const VOLUME_NAME_MAX = 128;

/** Lifetime of a token: E2B's are short-lived; a day outlives any one script using a Volume. */
const TOKEN_LIFETIME_S = 24 * 3600;
/** The audience the daemon puts in its tokens and wants back. */
const TOKEN_AUDIENCE = 'e2b-ts-local-volumes';
const DELETED_PREFIX = '.deleted-';
/** The sandbox's `user` (bubblewrap.ts): a root daemon gives it the volume's files. */
const SANDBOX_USER_UID = 1000;

const b64 = (value: string | Buffer) => Buffer.from(value).toString('base64url');

export class VolumeStore {
  private readonly records = new Map<string, VolumeRecord>();
  /** Volume ID → its opaque folder name. */
  private readonly folders = new Map<string, string>();
  private key: Buffer = Buffer.alloc(0);

  constructor(
    private readonly root: string,
    private readonly keyPath: string,
  ) {}

  async load(): Promise<void> {
    await mkdir(this.root, { recursive: true, mode: 0o700 });
    if (!existsSync(this.keyPath)) writeSecretSync(this.keyPath, randomBytes(32).toString('hex'));
    this.key = Buffer.from(readFileSync(this.keyPath, 'utf8').trim(), 'hex');
    for (const folder of await readdir(this.root)) {
      if (folder.startsWith(DELETED_PREFIX)) {
        await rm(join(this.root, folder), { recursive: true, force: true });
        continue;
      }
      // a create cut short before its record was written: nobody was told of it
      if (!existsSync(join(this.root, folder, 'volume.json'))) {
        await rm(join(this.root, folder), { recursive: true, force: true });
        continue;
      }
      const record = await readJson<VolumeRecord>(join(this.root, folder, 'volume.json'));
      if (!record || typeof record.volumeID !== 'string' || typeof record.name !== 'string') continue;
      this.records.set(record.volumeID, record);
      this.folders.set(record.volumeID, folder);
    }
  }

  all(): VolumeRecord[] {
    return [...this.records.values()].sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.name.localeCompare(b.name));
  }

  get(id: string): VolumeRecord | undefined {
    return this.records.get(id);
  }

  byName(name: string): VolumeRecord | undefined {
    return [...this.records.values()].find((r) => r.name === name);
  }

  /** The host folder of a volume's files. */
  dataDir(id: string): string {
    const folder = this.folders.get(id);
    if (!folder) throw new ApiError(404, `volume ${id} not found`);
    return join(this.root, folder, 'data');
  }

  async create(name: string): Promise<VolumeRecord> {
    if (name.length > VOLUME_NAME_MAX) throw new ApiError(400, `volume name must be at most ${VOLUME_NAME_MAX} characters`);
    if (!VOLUME_NAME_PATTERN.test(name)) throw new ApiError(400, 'volume name may contain only letters, digits, "_" and "-"');
    if (this.byName(name)) throw new ApiError(409, `a volume named ${name} already exists`);
    const record: VolumeRecord = { volumeID: `vol_${randomBytes(12).toString('hex')}`, name, createdAt: new Date().toISOString() };
    const folder = randomBytes(10).toString('hex');
    const dir = join(this.root, folder);
    await mkdir(join(dir, 'data'), { recursive: true, mode: 0o700 });
    // The data folder is what sandboxes see as the mount: their `user` must be able to write it.
    // (Unprivileged, the daemon's own user is `user` inside the sandbox already.)
    if (process.getuid?.() === 0) await chown(join(dir, 'data'), SANDBOX_USER_UID, SANDBOX_USER_UID);
    await chmod(join(dir, 'data'), 0o755);
    await writeJsonAtomic(join(dir, 'volume.json'), record, 0o600);
    this.records.set(record.volumeID, record);
    this.folders.set(record.volumeID, folder);
    return record;
  }

  /** Removes a volume and its files; false when there is none. */
  async destroy(id: string): Promise<boolean> {
    const folder = this.folders.get(id);
    if (!folder) return false;
    const aside = join(this.root, `${DELETED_PREFIX}${folder}`);
    await rename(join(this.root, folder), aside);
    this.records.delete(id);
    this.folders.delete(id);
    await rm(aside, { recursive: true, force: true });
    return true;
  }

  /** A fresh token for a volume's content API. */
  token(id: string, nowMs = Date.now()): string {
    const iat = Math.floor(nowMs / 1000);
    const head = b64(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
    const body = b64(JSON.stringify({ iss: 'e2b-ts-local', aud: TOKEN_AUDIENCE, sub: id, iat, exp: iat + TOKEN_LIFETIME_S }));
    const sig = createHmac('sha256', this.key).update(`${head}.${body}`).digest('base64url');
    return `${head}.${body}.${sig}`;
  }

  /** Whether `token` is a valid, unexpired token of volume `id`. */
  verify(token: string, id: string, nowMs = Date.now()): boolean {
    const parts = token.split('.');
    if (parts.length !== 3) return false;
    const expected = createHmac('sha256', this.key).update(`${parts[0]}.${parts[1]}`).digest();
    const given = Buffer.from(parts[2], 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return false;
    try {
      const claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as { aud?: unknown; sub?: unknown; exp?: unknown };
      return claims.aud === TOKEN_AUDIENCE && claims.sub === id && typeof claims.exp === 'number' && claims.exp * 1000 > nowMs;
    } catch {
      return false;
    }
  }
}
