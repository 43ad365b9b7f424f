import { Command, type CommandUnknownOpts } from '@commander-js/extra-typings';
import type { Context } from '../../context.js';
import { catCommand } from './cat.js';
import { cpCommand } from './cp.js';
import { createCommand } from './create.js';
import { infoCommand } from './info.js';
import { lsCommand } from './ls.js';
import { mkdirCommand } from './mkdir.js';
import { rmCommand } from './rm.js';
import { writeCommand } from './write.js';

/** Name, aliases and one-line summary (root help lists them without building the subtree). */
export const VOLUME_NOUN = { name: 'volume', aliases: [], summary: 'Volumes: persistent storage that sandboxes mount' };

export function volumeCommand(ctx: Context): CommandUnknownOpts {
  return new Command(VOLUME_NOUN.name)
    .aliases(VOLUME_NOUN.aliases)
    .description(VOLUME_NOUN.summary)
    .addCommand(createCommand(ctx))
    .addCommand(lsCommand(ctx))
    .addCommand(infoCommand(ctx))
    .addCommand(rmCommand(ctx))
    .addCommand(cpCommand(ctx))
    .addCommand(catCommand(ctx))
    .addCommand(writeCommand(ctx))
    .addCommand(mkdirCommand(ctx));
}
