import { Command, type CommandUnknownOpts } from '@commander-js/extra-typings';
import type { Context } from '../../context.js';
import { catCommand } from './cat.js';
import { cpCommand } from './cp.js';
import { lsCommand } from './ls.js';
import { mkdirCommand } from './mkdir.js';
import { mvCommand } from './mv.js';
import { rmCommand } from './rm.js';
import { statCommand } from './stat.js';
import { urlCommand } from './url.js';
import { watchCommand } from './watch.js';
import { writeCommand } from './write.js';

/** Name, aliases and one-line summary (root help lists them without building the subtree). */
export const FS_NOUN = { name: 'fs', aliases: [], summary: 'Files in sandboxes: copy, list, read, write, watch' };

export function fsCommand(ctx: Context): CommandUnknownOpts {
  return new Command(FS_NOUN.name)
    .aliases(FS_NOUN.aliases)
    .description(FS_NOUN.summary)
    .addCommand(cpCommand(ctx))
    .addCommand(lsCommand(ctx))
    .addCommand(statCommand(ctx))
    .addCommand(catCommand(ctx))
    .addCommand(writeCommand(ctx))
    .addCommand(rmCommand(ctx))
    .addCommand(mvCommand(ctx))
    .addCommand(mkdirCommand(ctx))
    .addCommand(urlCommand(ctx))
    .addCommand(watchCommand(ctx));
}
