import { Command, type CommandUnknownOpts } from '@commander-js/extra-typings';
import type { Context } from '../../context.js';
import { parseInteger } from '../../parse.js';
import { sleep } from '../../sleep.js';
import { localPaths } from './shared.js';

export interface LocalLogsOptions {
  follow: boolean;
  lines: number;
}

export function localLogsCommand(ctx: Context, run = runLocalLogs): CommandUnknownOpts {
  return new Command('logs')
    .description("Show the local backend's own log")
    .option('-f, --follow', 'keep printing new lines until interrupted', false)
    .option('-n, --lines <n>', 'number of last lines to show', '100')
    .action(async (o) => run({ follow: o.follow, lines: parseInteger(o.lines, '--lines', 0) }, ctx));
}

async function readFrom(path: string, offset: number): Promise<{ text: string; end: number }> {
  const { open } = await import('node:fs/promises');
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    if (size <= offset) return { text: '', end: size < offset ? 0 : offset };
    const buffer = Buffer.alloc(size - offset);
    await handle.read(buffer, 0, buffer.length, offset);
    return { text: buffer.toString('utf8'), end: size };
  } finally {
    await handle.close();
  }
}

export async function runLocalLogs(opts: LocalLogsOptions, ctx: Context): Promise<void> {
  const { log } = await localPaths(ctx);
  let offset = 0;
  try {
    const { text, end } = await readFrom(log, 0);
    const lines = text.split('\n').filter(Boolean);
    const tail = opts.lines === 0 ? [] : lines.slice(-opts.lines);
    if (tail.length) ctx.io.stdout.write(`${tail.join('\n')}\n`);
    offset = end;
  } catch {
    if (!opts.follow) {
      ctx.note('The local backend has not logged anything yet.');
      return;
    }
  }
  while (opts.follow) {
    await sleep(500, ctx.signal);
    try {
      const size = (await (await import('node:fs/promises')).stat(log)).size;
      if (size < offset) offset = 0;
      const { text, end } = await readFrom(log, offset);
      if (text) ctx.io.stdout.write(text);
      offset = end;
    } catch {
      // not created yet
    }
  }
}
