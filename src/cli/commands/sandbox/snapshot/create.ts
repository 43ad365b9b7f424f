import { Command, type CommandUnknownOpts } from '@commander-js/extra-typings';
import type { Context } from '../../../context.js';
import { printJson, success } from '../../../output.js';
import { resolveSandboxId } from '../shared.js';

export interface SnapshotCreateOptions {
  sandboxId?: string;
  name?: string;
}

export function snapshotCreateCommand(ctx: Context, run = runSnapshotCreate): CommandUnknownOpts {
  return new Command('create')
    .description("Snapshot a sandbox's files into a template that new sandboxes can start from")
    .argument('[id]', 'sandbox ID')
    .option('--name <name>', 'name the snapshot (snapshotting again under the same name updates it)')
    .addHelpText(
      'after',
      `
Examples:
  $ snap=$(e2b-ts sandbox snapshot create "$id" --name warm-cache)
  $ e2b-ts sandbox create "$snap"`,
    )
    .action(async (id: string | undefined, o) => run({ ...(id ? { sandboxId: id } : {}), ...(o.name ? { name: o.name } : {}) }, ctx));
}

export async function runSnapshotCreate(opts: SnapshotCreateOptions, ctx: Context): Promise<void> {
  const id = await resolveSandboxId(ctx, opts.sandboxId, 'sandbox snapshot create');
  const { Sandbox } = await ctx.client();
  const spinner = await ctx.spinner(`Snapshotting ${id}`);
  try {
    const snapshot = await Sandbox.createSnapshot(id, { ...(await ctx.connection()), ...(opts.name ? { name: opts.name } : {}), signal: ctx.signal });
    spinner.stop();
    if (ctx.globals.json) printJson(ctx, snapshot);
    else {
      ctx.io.stdout.write(`${snapshot.snapshotId}\n`);
      success(ctx, `Created snapshot ${snapshot.snapshotId}`);
    }
  } catch (error) {
    spinner.fail();
    throw error;
  }
}
