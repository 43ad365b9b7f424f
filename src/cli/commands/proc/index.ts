import { Command } from 'commander';
import type { Context } from '../../context.js';
import { procAttachCommand } from './attach.js';
import { procKillCommand } from './kill.js';
import { procListCommand } from './list.js';
import { procStdinCommand } from './stdin.js';

export function procCommand(ctx: Context): Command {
  return new Command('proc')
    .description('Processes in a sandbox: list, signal, attach to, feed stdin')
    .addCommand(procListCommand(ctx))
    .addCommand(procKillCommand(ctx))
    .addCommand(procAttachCommand(ctx))
    .addCommand(procStdinCommand(ctx));
}
