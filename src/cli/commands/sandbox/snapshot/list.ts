import { Command, type CommandUnknownOpts } from '@commander-js/extra-typings';
import type { Context } from '../../../context.js';
import { printJson, printTable } from '../../../output.js';
import { limitOption } from '../../../flags.js';
import { parseSandboxId } from '../../../parse.js';
import { sanitize } from '../../../render/sanitize.js';

export interface SnapshotListOptions {
  sandboxId?: string;
  limit?: number;
}

export function snapshotListCommand(ctx: Context, run = runSnapshotList): CommandUnknownOpts {
  return new Command('ls')
    .alias('list')
    .description('List snapshots')
    .option('--sandbox <id>', 'only snapshots taken from this sandbox')
    .addOption(limitOption('show at most n snapshots'))
    .action(async (o) =>
      run(
        {
          ...(o.sandbox ? { sandboxId: parseSandboxId(o.sandbox) } : {}),
          ...(o.limit !== undefined ? { limit: o.limit } : {}),
        },
        ctx,
      ),
    );
}

export async function runSnapshotList(opts: SnapshotListOptions, ctx: Context): Promise<void> {
  const { Sandbox } = await ctx.client();
  const snapshots = await Sandbox.listSnapshots({
    ...(await ctx.connection()),
    ...(opts.sandboxId ? { sandboxId: opts.sandboxId } : {}),
    limit: Math.min(opts.limit ?? 100, 100),
  }).toArray({ signal: ctx.signal, ...(opts.limit !== undefined ? { max: opts.limit } : {}) });
  if (ctx.globals.json) {
    printJson(ctx, snapshots);
    return;
  }
  if (snapshots.length === 0) {
    ctx.note('No snapshots.');
    return;
  }
  printTable(
    ctx,
    ['SNAPSHOT', 'NAMES'],
    snapshots.map((s) => [sanitize(s.snapshotId), s.names.map(sanitize).join(',')]),
  );
}
