import { Command, type CommandUnknownOpts } from '@commander-js/extra-typings';
import type { Context } from '../../context.js';
import { printJson, success } from '../../output.js';
import { resolveSandboxId } from './shared.js';

export interface PauseOptions {
  sandboxId?: string;
  /** Keep processes (memory) or only files. */
  keepMemory: boolean;
}

export function pauseCommand(ctx: Context, run = runPause): CommandUnknownOpts {
  return new Command('pause')
    .description('Pause a sandbox: its processes are frozen and its files kept until it is resumed or killed')
    .argument('[id]', 'sandbox ID')
    .option('--no-memory', 'keep only the files; processes stop and the sandbox restarts on resume')
    .action(async (id: string | undefined, o) => run({ ...(id ? { sandboxId: id } : {}), keepMemory: o.memory }, ctx));
}

export async function runPause(opts: PauseOptions, ctx: Context): Promise<void> {
  const id = await resolveSandboxId(ctx, opts.sandboxId, 'sandbox pause');
  const { Sandbox } = await ctx.client();
  const paused = await Sandbox.pause(id, { ...(await ctx.connection()), keepMemory: opts.keepMemory, signal: ctx.signal });
  if (ctx.globals.json) printJson(ctx, { sandboxId: id, paused, state: 'paused' });
  else if (paused) success(ctx, `Paused sandbox ${id}`);
  else ctx.note(`Sandbox ${id} was already paused.`);
}
