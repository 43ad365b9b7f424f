import { Command, type CommandUnknownOpts } from '@commander-js/extra-typings';
import type { Context } from '../../context.js';
import { printJson, success } from '../../output.js';
import { checkVolumeName, volumeOpts } from './shared.js';

export interface VolumeCreateOptions {
  name: string;
}

export function createCommand(ctx: Context, run = runVolumeCreate): CommandUnknownOpts {
  return new Command('create')
    .description('Create a volume (persistent storage that sandboxes mount); prints its ID')
    .argument('<name>', 'letters, digits, "_" and "-"')
    .addHelpText(
      'after',
      `
Examples:
  $ e2b-ts volume create data
  $ e2b-ts sandbox create --volume data:/mnt/data`,
    )
    .action(async (name: string) => run({ name: checkVolumeName(name) }, ctx));
}

export async function runVolumeCreate(opts: VolumeCreateOptions, ctx: Context): Promise<void> {
  const { Volume } = await ctx.client();
  const volume = await Volume.create(opts.name, await volumeOpts(ctx));
  // the token is a secret: only ID and name are shown
  if (ctx.globals.json) printJson(ctx, { volumeId: volume.volumeId, name: volume.name });
  else {
    ctx.io.stdout.write(`${volume.volumeId}\n`);
    success(ctx, `Created volume ${volume.name}`);
  }
}
