import { Command } from 'commander';
import type { Context } from '../../context.js';
import { ptyAttachCommand } from './attach.js';
import { ptyKillCommand } from './kill.js';
import { ptyListCommand } from './list.js';

export function ptyCommand(ctx: Context): Command {
  return new Command('pty')
    .description('Interactive terminals in sandboxes')
    .addCommand(ptyAttachCommand(ctx))
    .addCommand(ptyListCommand(ctx))
    .addCommand(ptyKillCommand(ctx));
}
