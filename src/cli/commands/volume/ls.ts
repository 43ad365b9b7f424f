import { Command, type CommandUnknownOpts } from '@commander-js/extra-typings';
import type { Context } from '../../context.js';
import { printJson, printTable } from '../../output.js';
import { depthOption } from '../../flags.js';
import { sanitize } from '../../render/sanitize.js';
import { findVolume, parseVolumeLocation, volumeEntryRows, volumeOpts } from './shared.js';

export interface VolumeLsOptions {
  /** VOLUME:PATH; without it, the volumes themselves are listed. */
  location?: { volume: string; path: string };
  long: boolean;
  depth: number;
}

export function lsCommand(ctx: Context, run = runVolumeLs): CommandUnknownOpts {
  return new Command('ls')
    .alias('list')
    .description('List volumes, or the files of a volume (VOLUME:PATH)')
    .argument('[location]', 'VOLUME:PATH')
    .option('-l, --long', 'type, mode, owner, size and time of each entry', false)
    .addOption(depthOption('levels of folders to list'))
    .addHelpText(
      'after',
      `
Examples:
  $ e2b-ts volume ls
  $ e2b-ts volume ls data:/ --depth 3 -l`,
    )
    .action(async (location: string | undefined, o) =>
      run({ ...(location !== undefined ? { location: parseVolumeLocation(location, 'volume ls') } : {}), long: o.long, depth: o.depth }, ctx),
    );
}

export async function runVolumeLs(opts: VolumeLsOptions, ctx: Context): Promise<void> {
  if (!opts.location) {
    const { Volume } = await ctx.client();
    const volumes = await Volume.list(await volumeOpts(ctx));
    if (ctx.globals.json) printJson(ctx, volumes);
    else if (volumes.length === 0) ctx.note('No volumes.');
    else
      printTable(
        ctx,
        ['ID', 'NAME'],
        volumes.map((v) => [v.volumeId, sanitize(v.name)]),
      );
    return;
  }
  const volume = await findVolume(ctx, opts.location.volume);
  const entries = await volume.list(opts.location.path, { depth: opts.depth, signal: ctx.signal });
  if (ctx.globals.json) printJson(ctx, entries);
  else {
    const rows = volumeEntryRows(entries, { tty: ctx.io.isStdoutTTY, long: opts.long });
    if (opts.long) printTable(ctx, ['TYPE', 'MODE', 'UID', 'GID', 'SIZE', 'MODIFIED', 'PATH'], rows);
    else ctx.io.stdout.write(rows.map((r) => `${r[0]}\n`).join(''));
  }
}
