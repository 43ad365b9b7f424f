import { Command, type CommandUnknownOpts } from '@commander-js/extra-typings';
import type { Context } from '../../context.js';
import { printDetails, printJson } from '../../output.js';
import { resolveSandboxId, sandboxDetails } from './shared.js';

export interface InfoOptions {
  sandboxId?: string;
}

export function infoCommand(ctx: Context, run = runInfo): CommandUnknownOpts {
  return new Command('info')
    .description('Show a sandbox (running or paused)')
    .argument('[id]', 'sandbox ID (picked interactively when omitted on a terminal)')
    .action(async (id: string | undefined) => run(id ? { sandboxId: id } : {}, ctx));
}

export async function runInfo(opts: InfoOptions, ctx: Context): Promise<void> {
  const id = await resolveSandboxId(ctx, opts.sandboxId, 'sandbox info');
  const { Sandbox } = await ctx.client();
  const info = await Sandbox.getInfo(id, { ...(await ctx.connection()), signal: ctx.signal });
  if (ctx.globals.json) printJson(ctx, info);
  else printDetails(ctx, sandboxDetails(info, { tty: ctx.io.isStdoutTTY }));
}
