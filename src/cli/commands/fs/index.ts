import { Command } from 'commander';
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

export function fsCommand(ctx: Context): Command {
  return new Command('fs')
    .description('Files in sandboxes: copy, list, read, write, watch')
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
