import { Command, type CommandUnknownOpts } from '@commander-js/extra-typings';
import type { Context } from '../../context.js';
import { CancelError, UsageError } from '../../errors.js';
import { printJson, success } from '../../output.js';
import { sanitize } from '../../render/sanitize.js';
import { findVolume, isVolumeLocation, parseVolumeLocation, volumeOpts } from './shared.js';

export interface VolumeRmOptions {
  /** Volumes to delete (names or IDs), or paths in volumes (VOLUME:PATH). */
  targets: string[];
  recursive: boolean;
}

export function rmCommand(ctx: Context, run = runVolumeRm): CommandUnknownOpts {
  return new Command('rm')
    .description('Delete volumes with their files (asks first on a terminal; -y), or paths in a volume (VOLUME:PATH; -r for folders)')
    .argument('<targets...>', 'volume names or IDs, or VOLUME:PATH')
    .option('-r, --recursive', 'remove folders with everything in them', false)
    .addHelpText(
      'after',
      `
A volume that a sandbox (running or paused) mounts is not deleted: kill the sandbox first.

Examples:
  $ e2b-ts volume rm data -y
  $ e2b-ts volume rm -r data:/cache`,
    )
    .action(async (targets: string[], o) => run({ targets, recursive: o.recursive }, ctx));
}

export async function runVolumeRm(opts: VolumeRmOptions, ctx: Context): Promise<void> {
  const paths = opts.targets.filter(isVolumeLocation);
  const volumes = opts.targets.filter((t) => !isVolumeLocation(t));
  if (paths.length && volumes.length) throw new UsageError('give volumes or VOLUME:PATH paths, not both');
  if (paths.length) {
    for (const arg of paths) {
      const location = parseVolumeLocation(arg, 'volume rm');
      if (location.path === '/') throw new UsageError(`refusing to empty a volume's root; delete the volume instead (volume rm ${sanitize(location.volume)})`);
      const volume = await findVolume(ctx, location.volume);
      const stat = await volume.getInfo(location.path, { signal: ctx.signal });
      if (stat.type === 'directory' && !opts.recursive) throw new UsageError(`${sanitize(arg)} is a folder: add -r to remove it with its contents`);
      await volume.remove(location.path, { signal: ctx.signal });
      success(ctx, `Removed ${sanitize(arg)}`);
    }
    if (ctx.globals.json) printJson(ctx, { removed: paths });
    return;
  }
  const found = [];
  for (const name of volumes) found.push(await findVolume(ctx, name));
  if (!ctx.globals.yes) {
    if (!ctx.io.canPrompt())
      throw new UsageError(
        `refusing to delete ${found.length === 1 ? `volume ${sanitize(found[0]!.name)}` : `${found.length} volumes`} and their files without confirmation: add -y/--yes`,
      );
    const ok = await ctx.prompter.confirm(`Delete ${found.map((v) => sanitize(v.name)).join(', ')} with all files?`, { default: false });
    if (!ok) throw new CancelError('nothing deleted');
  }
  const { Volume } = await ctx.client();
  const options = await volumeOpts(ctx);
  for (const volume of found) {
    await Volume.destroy(volume.volumeId, options);
    success(ctx, `Deleted volume ${sanitize(volume.name)}`);
  }
  if (ctx.globals.json) printJson(ctx, { deleted: found.map((v) => ({ volumeId: v.volumeId, name: v.name })) });
}
