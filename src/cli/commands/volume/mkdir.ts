import { Command, type CommandUnknownOpts } from '@commander-js/extra-typings';
import type { Context } from '../../context.js';
import { printJson, success } from '../../output.js';
import { findVolume, parseVolumeLocation } from './shared.js';

export function mkdirCommand(ctx: Context, run = runVolumeMkdir): CommandUnknownOpts {
  return new Command('mkdir')
    .description('Create a folder in a volume')
    .argument('<location>', 'VOLUME:PATH')
    .option('-p, --parents', 'create missing parents; no error when the folder exists', false)
    .action(async (location: string, o) => run({ ...parseVolumeLocation(location, 'volume mkdir'), parents: o.parents }, ctx));
}

export async function runVolumeMkdir(opts: { volume: string; path: string; parents: boolean }, ctx: Context): Promise<void> {
  const volume = await findVolume(ctx, opts.volume);
  const stat = await volume.makeDir(opts.path, { force: opts.parents, signal: ctx.signal });
  if (ctx.globals.json) printJson(ctx, stat);
  else success(ctx, `Created ${opts.volume}:${stat.path}`);
}
