import { Command, type CommandUnknownOpts } from '@commander-js/extra-typings';
import type { Context } from '../../../context.js';
import { remoteAddCommand } from './add.js';
import { remoteGetCommand } from './get.js';

export function remoteCommand(ctx: Context): CommandUnknownOpts {
  return new Command('remote').description("Add a remote, or print one's URL").addCommand(remoteAddCommand(ctx)).addCommand(remoteGetCommand(ctx));
}
