import { Command, type CommandUnknownOpts } from '@commander-js/extra-typings';
import type { Context } from '../../context.js';
import { printDetails, printJson } from '../../output.js';
import { sanitize } from '../../render/sanitize.js';
import { findVolume, isVolumeLocation, parseVolumeLocation } from './shared.js';

export interface VolumeInfoOptions {
  volume: string;
  path?: string;
}

export function infoCommand(ctx: Context, run = runVolumeInfo): CommandUnknownOpts {
  return new Command('info')
    .description("A volume's ID and name, or the details of a path in it (VOLUME:PATH)")
    .argument('<volume>', 'volume name or ID, or VOLUME:PATH')
    .action(async (arg: string) => run(isVolumeLocation(arg) ? parseVolumeLocation(arg, 'volume info') : { volume: arg }, ctx));
}

export async function runVolumeInfo(opts: VolumeInfoOptions, ctx: Context): Promise<void> {
  const volume = await findVolume(ctx, opts.volume);
  if (opts.path === undefined) {
    if (ctx.globals.json) printJson(ctx, volume);
    else
      printDetails(ctx, [
        ['ID', volume.volumeId],
        ['Name', sanitize(volume.name)],
      ]);
    return;
  }
  const stat = await volume.getInfo(opts.path, { signal: ctx.signal });
  if (ctx.globals.json) printJson(ctx, stat);
  else {
    const pairs: Array<[string, string]> = [
      ['Path', sanitize(stat.path)],
      ['Type', stat.type],
      ['Size', String(stat.size)],
      ['Mode', (stat.mode & 0o7777).toString(8).padStart(4, '0')],
      ['Owner', `${stat.uid}:${stat.gid}`],
      ['Modified', stat.mtime.toISOString()],
    ];
    if (stat.target !== undefined) pairs.push(['Target', sanitize(stat.target)]);
    printDetails(ctx, pairs);
  }
}
