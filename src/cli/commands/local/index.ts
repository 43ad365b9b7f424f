import { Command } from 'commander';
import type { Context } from '../../context.js';
import { envCommand } from './env.js';
import { localLogsCommand } from './logs.js';
import { startCommand } from './start.js';
import { statusCommand } from './status.js';
import { stopCommand } from './stop.js';

export function localCommand(ctx: Context): Command {
  return new Command('local')
    .description('Run the local E2B-compatible backend (offline sandboxes; no account needed)')
    .addCommand(startCommand(ctx))
    .addCommand(stopCommand(ctx))
    .addCommand(statusCommand(ctx))
    .addCommand(envCommand(ctx))
    .addCommand(localLogsCommand(ctx));
}
