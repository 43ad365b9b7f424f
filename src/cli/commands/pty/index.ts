import { Command, type CommandUnknownOpts } from '@commander-js/extra-typings';
import type { Context } from '../../context.js';
import { ptyAttachCommand } from './attach.js';
import { ptyKillCommand } from './kill.js';
import { ptyListCommand } from './list.js';

/** Name, aliases and one-line summary (root help lists them without building the subtree). */
export const PTY_NOUN = { name: 'pty', aliases: [], summary: 'Interactive terminals in sandboxes' };

export function ptyCommand(ctx: Context): CommandUnknownOpts {
  return new Command(PTY_NOUN.name)
    .aliases(PTY_NOUN.aliases)
    .description(PTY_NOUN.summary)
    .addCommand(ptyAttachCommand(ctx))
    .addCommand(ptyListCommand(ctx))
    .addCommand(ptyKillCommand(ctx));
}
