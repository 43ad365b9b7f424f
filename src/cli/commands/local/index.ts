import { Command, type CommandUnknownOpts } from '@commander-js/extra-typings';
import type { Context } from '../../context.js';
import { envCommand } from './env.js';
import { localLogsCommand } from './logs.js';
import { startCommand } from './start.js';
import { statusCommand } from './status.js';
import { stopCommand } from './stop.js';

/** Name, aliases and one-line summary (root help lists them without building the subtree). */
export const LOCAL_NOUN = { name: 'local', aliases: [], summary: 'Run the local E2B-compatible backend (offline sandboxes; no account needed)' };

export function localCommand(ctx: Context): CommandUnknownOpts {
  return new Command(LOCAL_NOUN.name)
    .aliases(LOCAL_NOUN.aliases)
    .description(LOCAL_NOUN.summary)
    .addCommand(startCommand(ctx))
    .addCommand(stopCommand(ctx))
    .addCommand(statusCommand(ctx))
    .addCommand(envCommand(ctx))
    .addCommand(localLogsCommand(ctx));
}
