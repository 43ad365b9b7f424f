import { Command, type CommandUnknownOpts } from '@commander-js/extra-typings';
import type { Context } from '../../context.js';
import { printJson, success } from '../../output.js';
import { lifetimeOption } from '../../flags.js';
import { resolveSandboxId } from './shared.js';

export interface ResumeOptions {
  sandboxId?: string;
  /** Lifetime after resuming; a running sandbox's longer lifetime is never shortened. */
  timeoutMs: number;
}

export function resumeCommand(ctx: Context, run = runResume): CommandUnknownOpts {
  return new Command('resume')
    .description('Resume a paused sandbox (a running one keeps running; its lifetime is never shortened)')
    .argument('[id]', 'sandbox ID')
    .addOption(lifetimeOption('lifetime from now after resuming'))
    .action(async (id: string | undefined, o) => run({ ...(id ? { sandboxId: id } : {}), timeoutMs: o.timeout }, ctx));
}

export async function runResume(opts: ResumeOptions, ctx: Context): Promise<void> {
  const id = await resolveSandboxId(ctx, opts.sandboxId, 'sandbox resume');
  const { Sandbox } = await ctx.client();
  const connection = await ctx.connection();
  await Sandbox.connect(id, { ...connection, timeoutMs: opts.timeoutMs, signal: ctx.signal });
  if (ctx.globals.json) printJson(ctx, await Sandbox.getInfo(id, { ...connection, signal: ctx.signal }));
  else success(ctx, `Sandbox ${id} is running`);
}
