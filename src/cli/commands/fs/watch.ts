import { Command, type CommandUnknownOpts } from '@commander-js/extra-typings';
import type { Context } from '../../context.js';
import { userOption } from '../../flags.js';
import { parseSandboxLocation } from '../../fs/location.js';
import { printJsonLine } from '../../output.js';
import { sanitize } from '../../render/sanitize.js';
import { fsCall } from './shared.js';

export function watchCommand(ctx: Context, run = runWatch): CommandUnknownOpts {
  return new Command('watch')
    .description('Print changes under a sandbox folder as they happen, one line each (TYPE PATH), until interrupted')
    .argument('<location>', 'SANDBOX:PATH of a folder')
    .option('-r, --recursive', 'include subfolders', false)
    .addOption(userOption('sandbox user (decides relative paths and ~)'))
    .addHelpText('after', '\nWith --json each event is one JSON line: {"type":"write","name":"src/app.js","path":"/home/user/src/app.js"}.')
    .action(async (location: string, o) =>
      run({ ...parseSandboxLocation(location, 'fs watch'), recursive: o.recursive, ...(o.user ? { user: o.user } : {}) }, ctx),
    );
}

export async function runWatch(opts: { sandboxId: string; path: string; recursive: boolean; user?: string }, ctx: Context): Promise<void> {
  const sandbox = await ctx.sandbox(opts.sandboxId);
  const base = (await sandbox.files.getInfo(opts.path, fsCall(ctx, opts.user))).path;
  const watch = await sandbox.files.watchDir(opts.path, undefined, { ...fsCall(ctx, opts.user), recursive: opts.recursive, timeoutMs: 0 });
  ctx.signal.addEventListener('abort', () => void watch.stop(), { once: true });
  ctx.note(`Watching ${opts.sandboxId}:${base} (Ctrl-C to stop)`);
  for await (const event of watch) {
    const path = `${base.replace(/\/$/, '')}/${event.name}`;
    if (ctx.globals.json) printJsonLine(ctx, { type: event.type, name: event.name, path });
    else ctx.io.stdout.write(`${event.type.toUpperCase()} ${sanitize(path)}\n`);
  }
  if (ctx.signal.aborted) {
    const { CancelError } = await import('../../errors.js');
    throw new CancelError('stopped watching');
  }
}
