import { Command, type CommandUnknownOpts } from '@commander-js/extra-typings';
import type { Context } from '../../context.js';
import { UsageError } from '../../errors.js';
import { printJson, success } from '../../output.js';
import { parsePositiveDuration, parseSandboxId } from '../../parse.js';
import { formatDuration } from '../../render/format.js';

export interface TimeoutOptions {
  sandboxId: string;
  timeoutMs: number;
}

export function timeoutCommand(ctx: Context, run = runTimeout): CommandUnknownOpts {
  return new Command('timeout')
    .description('Set how long a sandbox keeps running from now (this can shorten its lifetime)')
    .argument('<id>', 'sandbox ID')
    .argument('<duration>', 'new lifetime from now (90, 90s, 5m, 1h)')
    .action(async (id: string, duration: string) => run({ sandboxId: parseSandboxId(id), timeoutMs: parsePositiveDuration(duration, 'duration') }, ctx));
}

export async function runTimeout(opts: TimeoutOptions, ctx: Context): Promise<void> {
  if (opts.timeoutMs < 1000) throw new UsageError('the timeout must be at least 1s');
  const { Sandbox } = await ctx.client();
  const connection = await ctx.connection();
  await Sandbox.setTimeout(opts.sandboxId, opts.timeoutMs, { ...connection, signal: ctx.signal });
  if (ctx.globals.json) printJson(ctx, await Sandbox.getInfo(opts.sandboxId, { ...connection, signal: ctx.signal }));
  else success(ctx, `Sandbox ${opts.sandboxId} now ends in ${formatDuration(opts.timeoutMs)}`);
}
