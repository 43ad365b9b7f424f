import { Command, type CommandUnknownOpts } from '@commander-js/extra-typings';
import type { Context } from '../../../context.js';
import { snapshotCreateCommand } from './create.js';
import { snapshotListCommand } from './list.js';
import { snapshotRemoveCommand } from './remove.js';

export function snapshotCommand(ctx: Context): CommandUnknownOpts {
  return new Command('snapshot')
    .description('Snapshots: templates made from a sandbox')
    .addCommand(snapshotCreateCommand(ctx))
    .addCommand(snapshotListCommand(ctx))
    .addCommand(snapshotRemoveCommand(ctx));
}
