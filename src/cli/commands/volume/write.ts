import { Command, type CommandUnknownOpts } from '@commander-js/extra-typings';
import type { Context } from '../../context.js';
import { UsageError } from '../../errors.js';
import { printJson, success } from '../../output.js';
import { findVolume, parseVolumeLocation } from './shared.js';

export function writeCommand(ctx: Context, run = runVolumeWrite): CommandUnknownOpts {
  return new Command('write')
    .description('Write stdin to a file in a volume (replaced whole when it exists; the folder must exist)')
    .argument('<location>', 'VOLUME:PATH')
    .action(async (location: string) => run(parseVolumeLocation(location, 'volume write'), ctx));
}

export async function runVolumeWrite(opts: { volume: string; path: string }, ctx: Context): Promise<void> {
  if (ctx.io.isStdinTTY) throw new UsageError('stdin is a terminal; pipe the content in (e.g. `echo hi | e2b-ts volume write data:/hello.txt`)');
  const volume = await findVolume(ctx, opts.volume);
  const { Readable } = await import('node:stream');
  // the volume API lands it under a temporary name and renames it whole: no partial file
  const stat = await volume.writeFile(opts.path, Readable.from(ctx.io.stdin), { force: true, signal: ctx.signal });
  if (ctx.globals.json) printJson(ctx, stat);
  else success(ctx, `Wrote ${stat.size} bytes to ${opts.volume}:${stat.path}`);
}
