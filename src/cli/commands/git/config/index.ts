import { Command, type CommandUnknownOpts } from '@commander-js/extra-typings';
import type { Context } from '../../../context.js';
import { configGetCommand } from './get.js';
import { configSetCommand } from './set.js';

export function configCommand(ctx: Context): CommandUnknownOpts {
  return new Command('config').description('Read and write git configuration').addCommand(configGetCommand(ctx)).addCommand(configSetCommand(ctx));
}
