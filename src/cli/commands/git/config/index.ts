import { Command } from 'commander';
import type { Context } from '../../../context.js';
import { configGetCommand } from './get.js';
import { configSetCommand } from './set.js';

export function configCommand(ctx: Context): Command {
  return new Command('config').description('Read and write git configuration').addCommand(configGetCommand(ctx)).addCommand(configSetCommand(ctx));
}
