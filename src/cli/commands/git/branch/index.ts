import { Command, type CommandUnknownOpts } from '@commander-js/extra-typings';
import type { Context } from '../../../context.js';
import { branchCreateCommand } from './create.js';
import { branchDeleteCommand } from './delete.js';
import { branchListCommand } from './ls.js';

export function branchCommand(ctx: Context): CommandUnknownOpts {
  return (
    new Command('branch')
      .description('List, create and delete branches (`git branch ID[:PATH]` lists)')
      // `git branch ID:repo` is `git branch ls ID:repo`, as plain `git branch` lists.
      .addCommand(branchListCommand(ctx), { isDefault: true })
      .addCommand(branchCreateCommand(ctx))
      .addCommand(branchDeleteCommand(ctx))
  );
}
