import { Command, Option, type CommandUnknownOpts } from '@commander-js/extra-typings';
import type { Context } from '../../context.js';
import { userOption } from '../../flags.js';
import { SilentError, UsageError } from '../../errors.js';
import { ExitCode } from '../../exit-codes.js';
import { parseLocation, type Location } from '../../fs/location.js';
import type { LinkPolicy } from '../../fs/platform.js';
import { printJson, success } from '../../output.js';
import { parseInteger } from '../../parse.js';
import { formatBytes } from '../../render/format.js';

export interface CpOptions {
  sources: Location[];
  destination: Location;
  user?: string;
  parallel: number;
  /** Symlinks of downloads; absent: 'auto'. */
  links?: LinkPolicy;
}

export function cpCommand(ctx: Context, run = runCp): CommandUnknownOpts {
  return new Command('cp')
    .description('Copy files and folders between this machine and sandboxes (SANDBOX:PATH), or a tar stream (-)')
    .argument('<paths...>', 'sources, then the destination')
    .addOption(userOption('sandbox user that reads or writes the files (default: user)'))
    .option('--parallel <n>', 'tar streams in flight at once for folders with many files', '1')
    .addOption(
      // the choices are written out: importing them from fs/platform.js would load it at start-up
      new Option('--links <how>', 'symlinks of a download where they cannot be made (default: auto)').choices(['auto', 'copy', 'skip', 'fail'] as const),
    )
    .addHelpText(
      'after',
      `
Folders are copied recursively, keeping file modes and symlinks. Every file is verified (size
and SHA-256) and lands under a temporary name first, so a failed copy leaves nothing behind.
A download never writes outside its destination, nor leaves a symlink there that leads outside
it: entries that would are refused, as are names this machine cannot hold (on Windows: CON, NUL,
COM1..., names with \\ : * ? " < > |, or ending in a dot or a space). Names that differ only in
case (README, readme) fail the download where the destination ignores case (macOS and Windows by
default), before anything is copied. A download takes the name you wrote, never the sandbox's.

--links says what becomes of symlinks where they cannot be made (Windows without Developer
Mode): auto (default) makes symlinks and, where that fails, copies the file or folder each leads
to (inside the download); copy always copies; skip leaves them out; fail stops the download and
copies nothing. Uploads from Windows get folders 0755 and files 0644 (0444 read-only); links
become POSIX links, and a link or junction to outside the uploaded folder is not copied.

Examples:
  $ e2b-ts fs cp ./src "$id":/home/user/app
  $ e2b-ts fs cp "$id":/home/user/app/dist ./dist
  $ e2b-ts fs cp "$id":/data/report.pdf "$other":/tmp/
  $ tar c project | e2b-ts fs cp - "$id":/home/user
  $ e2b-ts fs cp "$id":/home/user/logs - | tar x`,
    )
    .action(async (paths: string[], o) => {
      if (paths.length < 2) throw new UsageError('fs cp needs a source and a destination');
      const locations = paths.map(parseLocation);
      await run(
        {
          sources: locations.slice(0, -1),
          destination: locations[locations.length - 1],
          parallel: parseInteger(o.parallel, '--parallel', 1, 64),
          ...(o.user ? { user: o.user } : {}),
          ...(o.links ? { links: o.links } : {}),
        },
        ctx,
      );
    });
}

export async function runCp(opts: CpOptions, ctx: Context): Promise<void> {
  const { copy } = await import('../../fs/copy.js');
  const results = await copy(ctx, opts.sources, opts.destination, {
    parallel: opts.parallel,
    ...(opts.user ? { user: opts.user } : {}),
    ...(opts.links ? { links: opts.links } : {}),
  });
  const refused = results.flatMap((r) => r.refused);
  if (ctx.globals.json) printJson(ctx, results);
  else {
    for (const r of results) {
      success(ctx, `Copied ${r.source} → ${r.destination} (${r.files} file${r.files === 1 ? '' : 's'}, ${formatBytes(r.bytes)}, verified)`);
    }
  }
  if (refused.length) {
    ctx.io.stderr.write(
      `error: ${refused.length} entr${refused.length === 1 ? 'y was' : 'ies were'} refused (named above); the rest was copied and verified\n`,
    );
    throw new SilentError(ExitCode.ERROR);
  }
}
