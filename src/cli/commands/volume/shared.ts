import type { Volume, VolumeApiOpts, VolumeEntryStat } from '../../../client/volume.js';
import type { Context } from '../../context.js';
import { UsageError } from '../../errors.js';
import { formatBytes } from '../../render/format.js';
import { sanitize } from '../../render/sanitize.js';

/** E2B's rule for volume names (its API spec's pattern). */
export const VOLUME_NAME = /^[a-zA-Z0-9_-]+$/;

/** Refuses a name E2B would refuse, before any call (exit 2). */
export function checkVolumeName(name: string): string {
  if (!VOLUME_NAME.test(name)) throw new UsageError(`invalid volume name "${sanitize(name)}": use letters, digits, "_" and "-"`);
  return name;
}

/**
 * Connection options of volume commands. The content API is where E2B_VOLUME_API_URL says, else
 * on the API's own host when an API URL is set (a local or self-hosted backend serves both on
 * one host), else the SDK's default `https://api.<domain>`.
 */
export async function volumeOpts(ctx: Context): Promise<VolumeApiOpts> {
  const connection = await ctx.connection();
  const volumeApiUrl = ctx.env.E2B_VOLUME_API_URL?.trim() || connection.apiUrl;
  return { ...connection, ...(volumeApiUrl ? { volumeApiUrl } : {}), signal: ctx.signal };
}

/** A volume named by name or ID; VolumeNotFoundError (exit 3) when there is none. */
export async function findVolume(ctx: Context, nameOrId: string): Promise<Volume> {
  const { Volume, VolumeNotFoundError } = await ctx.client();
  const opts = await volumeOpts(ctx);
  const all = await Volume.list(opts);
  const found = all.find((v) => v.name === nameOrId) ?? all.find((v) => v.volumeId === nameOrId);
  if (!found) throw new VolumeNotFoundError(`volume ${sanitize(nameOrId)} not found`);
  return Volume.connect(found.volumeId, opts);
}

/** `VOLUME:PATH` (the volume by name or ID; an empty path is the volume's root). */
export function parseVolumeLocation(arg: string, verb: string): { volume: string; path: string } {
  const colon = arg.indexOf(':');
  if (colon <= 0) throw new UsageError(`${verb} needs a volume path written VOLUME:PATH (e.g. data:/dir/file.txt), not "${sanitize(arg)}"`);
  const path = arg.slice(colon + 1);
  return { volume: arg.slice(0, colon), path: path === '' ? '/' : path.startsWith('/') ? path : `/${path}` };
}

/** Whether an argument is written VOLUME:PATH (a volume name holds no colon). */
export function isVolumeLocation(arg: string): boolean {
  return arg.indexOf(':') > 0 && VOLUME_NAME.test(arg.slice(0, arg.indexOf(':')));
}

/** Rows of entries, `ls -l` style on request. */
export function volumeEntryRows(entries: VolumeEntryStat[], opts: { tty: boolean; long: boolean }): string[][] {
  return entries.map((e) => {
    const name = sanitize(e.path) + (e.type === 'directory' ? '/' : '') + (e.target !== undefined ? ` -> ${sanitize(e.target)}` : '');
    if (!opts.long) return [name];
    return [
      e.type,
      (e.mode & 0o7777).toString(8).padStart(4, '0'),
      String(e.uid),
      String(e.gid),
      opts.tty ? formatBytes(e.size) : String(e.size),
      e.mtime.toISOString(),
      name,
    ];
  });
}

/**
 * `--volume NAME:/mount/path` values (repeatable) as `volumeMounts` (mount path → volume name).
 * The path must be absolute; a path given twice is refused.
 */
export function parseVolumeMounts(values: string[] | undefined): Record<string, string> | undefined {
  if (!values?.length) return undefined;
  const out: Record<string, string> = {};
  for (const value of values) {
    const colon = value.indexOf(':');
    const name = colon > 0 ? value.slice(0, colon) : '';
    const path = colon > 0 ? value.slice(colon + 1) : '';
    if (!name || !path.startsWith('/')) throw new UsageError(`--volume wants NAME:/mount/path (e.g. data:/mnt/data), not "${sanitize(value)}"`);
    checkVolumeName(name);
    if (out[path] !== undefined) throw new UsageError(`--volume: two volumes at ${sanitize(path)}`);
    out[path] = name;
  }
  return out;
}

/**
 * Fails with VolumeNotFoundError (exit 3) when a `--volume` names no volume, before a sandbox is
 * made: the API's own refusal would be a 400 (exit 2) with no sandbox either.
 */
export async function requireMountedVolumes(ctx: Context, mounts: Record<string, string> | undefined): Promise<void> {
  if (!mounts) return;
  const { Volume, VolumeNotFoundError } = await ctx.client();
  const names = new Set((await Volume.list(await volumeOpts(ctx))).map((v) => v.name));
  for (const [path, name] of Object.entries(mounts)) {
    if (!names.has(name))
      throw new VolumeNotFoundError(`volume ${sanitize(name)} (for ${sanitize(path)}) not found: create it with \`e2b-ts volume create ${sanitize(name)}\``);
  }
}
