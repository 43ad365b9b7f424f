import { Command, type CommandUnknownOpts } from '@commander-js/extra-typings';
import type { Context } from '../../context.js';
import { procAttachCommand } from './attach.js';
import { procKillCommand } from './kill.js';
import { procListCommand } from './list.js';
import { procStdinCommand } from './stdin.js';

/** Name, aliases and one-line summary (root help lists them without building the subtree). */
export const PROC_NOUN = { name: 'proc', aliases: [], summary: 'Processes in a sandbox: list, signal, attach to, feed stdin' };

export function procCommand(ctx: Context): CommandUnknownOpts {
  return new Command(PROC_NOUN.name)
    .aliases(PROC_NOUN.aliases)
    .description(PROC_NOUN.summary)
    .addCommand(procListCommand(ctx))
    .addCommand(procKillCommand(ctx))
    .addCommand(procAttachCommand(ctx))
    .addCommand(procStdinCommand(ctx));
}
