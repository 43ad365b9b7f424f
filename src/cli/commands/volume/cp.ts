import { Command, type CommandUnknownOpts } from '@commander-js/extra-typings';
import type { VolumeCopyResult } from '../../fs/volume-copy.js';
import type { Context } from '../../context.js';
import { SilentError, UsageError } from '../../errors.js';
import { ExitCode } from '../../exit-codes.js';
import { printJson, success } from '../../output.js';
import { formatBytes } from '../../render/format.js';
import { findVolume, isVolumeLocation, parseVolumeLocation } from './shared.js';

export interface VolumeCpOptions {
  source: string;
  destination: string;
}

export function cpCommand(ctx: Context, run = runVolumeCp): CommandUnknownOpts {
  return new Command('cp')
    .description('Copy files and folders between this machine and a volume (VOLUME:PATH)')
    .argument('<source>', 'local path or VOLUME:PATH')
    .argument('<destination>', 'local path or VOLUME:PATH')
    .addHelpText(
      'after',
      `
Folders are copied recursively with their modes (setuid, setgid and sticky bits dropped). Every
file is verified, with a progress line on a terminal (uploads are read back and compared by SHA-256; downloads must have the size
the volume reports), and lands under a temporary name first, so a failed copy leaves no partial
file. A download never writes outside its destination: symlinks in a volume are not copied, and
names that would lead elsewhere, or that this machine cannot hold (on Windows: CON, NUL, names
with \\ : * ? " < > |, ...), are refused. Names that differ only in case fail the download before
anything is written where the destination ignores case (macOS and Windows by default). Uploads
from Windows get files 0644 (0444 read-only). A local path with a colon is written ./a:b.

Examples:
  $ e2b-ts volume cp ./dataset data:/dataset
  $ e2b-ts volume cp data:/results ./results`,
    )
    .action(async (source: string, destination: string) => run({ source, destination }, ctx));
}

export async function runVolumeCp(opts: VolumeCpOptions, ctx: Context): Promise<void> {
  const fromVolume = isVolumeLocation(opts.source) && !/^[A-Za-z]:[\\/]/.test(opts.source);
  const toVolume = isVolumeLocation(opts.destination) && !/^[A-Za-z]:[\\/]/.test(opts.destination);
  if (fromVolume === toVolume) throw new UsageError('volume cp copies between this machine and a volume: exactly one side is VOLUME:PATH');
  const { uploadToVolume, downloadFromVolume } = await import('../../fs/volume-copy.js');
  const { createProgress } = await import('../../fs/progress.js');
  const { runPlatform } = await import('../../fs/platform.js');
  const platform = runPlatform(ctx.env);
  let result: VolumeCopyResult;
  if (toVolume) {
    const to = parseVolumeLocation(opts.destination, 'volume cp');
    const volume = await findVolume(ctx, to.volume);
    const progress = createProgress(ctx, `→ ${opts.destination}`);
    result = await uploadToVolume(volume, opts.source, to.path, ctx.signal, progress, platform).finally(() => progress.done());
  } else {
    const from = parseVolumeLocation(opts.source, 'volume cp');
    const volume = await findVolume(ctx, from.volume);
    const progress = createProgress(ctx, `← ${opts.source}`);
    result = await downloadFromVolume(volume, from.path, opts.destination, ctx.signal, progress, platform).finally(() => progress.done());
  }
  if (ctx.globals.json) printJson(ctx, result);
  else
    success(
      ctx,
      `Copied ${result.source} → ${result.destination} (${result.files} file${result.files === 1 ? '' : 's'}, ${formatBytes(result.bytes)}, verified)`,
    );
  if (result.refused.length) {
    for (const line of result.refused.slice(0, 20)) ctx.io.stderr.write(`refused: ${line}\n`);
    ctx.io.stderr.write(`error: ${result.refused.length} entr${result.refused.length === 1 ? 'y was' : 'ies were'} not copied\n`);
    throw new SilentError(ExitCode.ERROR);
  }
}
