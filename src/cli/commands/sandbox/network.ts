import { Command, type CommandUnknownOpts } from '@commander-js/extra-typings';
import type { SandboxNetworkUpdate } from '../../../client/sandbox-api.js';
import type { Context } from '../../context.js';
import { UsageError } from '../../errors.js';
import { printJson, success } from '../../output.js';
import { allowOutOption, denyOutOption } from '../../flags.js';
import { parseSandboxId } from '../../parse.js';

export interface NetworkOptions {
  sandboxId: string;
  network: SandboxNetworkUpdate;
}

export function networkCommand(ctx: Context, run = runNetwork): CommandUnknownOpts {
  return new Command('network')
    .description("Replace a running sandbox's egress rules at once (what is not given is cleared, as E2B's API does)")
    .argument('<id>', 'sandbox ID')
    .addOption(allowOutOption())
    .addOption(denyOutOption('IP or CIDR refused; 0.0.0.0/0 is all traffic (repeatable)'))
    .option('--no-internet', 'deny everything but --allow-out (the same as --deny-out 0.0.0.0/0)')
    .addHelpText(
      'after',
      `
Examples:
  $ e2b-ts sandbox network "$id" --deny-out 0.0.0.0/0 --allow-out 1.1.1.1
  $ e2b-ts sandbox network "$id" --no-internet
  $ e2b-ts sandbox network "$id"          # back to the default: everything allowed`,
    )
    .action(async (id: string, o) => {
      const network: SandboxNetworkUpdate = { allowInternetAccess: o.internet };
      if (o.allowOut) network.allowOut = o.allowOut;
      if (o.denyOut) network.denyOut = o.denyOut;
      await run({ sandboxId: parseSandboxId(id), network }, ctx);
    });
}

/** A target of --allow-out / --deny-out: no spaces, no commas (a list goes as repeated flags). */
export function checkTargets(flag: string, targets: readonly string[] | undefined): void {
  for (const target of targets ?? []) {
    if (!target || /[\s,]/.test(target)) throw new UsageError(`${flag} takes one IP, CIDR or domain per flag, not ${JSON.stringify(target)}`);
  }
}

export async function runNetwork(opts: NetworkOptions, ctx: Context): Promise<void> {
  // the CLI builds plain lists (never the library's selector functions)
  checkTargets('--allow-out', opts.network.allowOut as string[] | undefined);
  checkTargets('--deny-out', opts.network.denyOut as string[] | undefined);
  const { Sandbox } = await ctx.client();
  const connection = await ctx.connection();
  await Sandbox.updateNetwork(opts.sandboxId, opts.network, { ...connection, signal: ctx.signal });
  if (ctx.globals.json) printJson(ctx, await Sandbox.getInfo(opts.sandboxId, { ...connection, signal: ctx.signal }));
  else success(ctx, `Network rules of ${opts.sandboxId} replaced`);
}
