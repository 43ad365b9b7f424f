import { Command, type CommandUnknownOpts } from '@commander-js/extra-typings';
import type { SandboxLogEntry } from '../../../client/sandbox-api.js';
import type { Context } from '../../context.js';
import { printJson, printJsonLine } from '../../output.js';
import { sanitize } from '../../render/sanitize.js';
import { sleep } from '../../sleep.js';
import { resolveSandboxId } from './shared.js';

/** How often `-f` asks for new entries. */
const FOLLOW_INTERVAL_MS = 1_000;

export interface LogsOptions {
  sandboxId?: string;
  follow: boolean;
  /** Show raw text, control sequences included. */
  raw: boolean;
}

/** One log line: `<time> <LEVEL> <message>`. */
export function formatLogLine(entry: SandboxLogEntry, opts: { raw: boolean }): string {
  const message = opts.raw ? entry.message : sanitize(entry.message);
  return `${entry.timestamp.toISOString()} ${entry.level.toUpperCase().padEnd(5)} ${message}`;
}

export function logsCommand(ctx: Context, run = runLogs): CommandUnknownOpts {
  return new Command('logs')
    .description("Show a sandbox's logs (lifecycle events and envd messages)")
    .argument('[id]', 'sandbox ID')
    .option('-f, --follow', 'keep printing new entries until interrupted', false)
    .option('--raw', 'do not strip terminal control sequences from messages', false)
    .action(async (id: string | undefined, o) => run({ ...(id ? { sandboxId: id } : {}), follow: o.follow, raw: o.raw }, ctx));
}

export async function runLogs(opts: LogsOptions, ctx: Context): Promise<void> {
  const id = await resolveSandboxId(ctx, opts.sandboxId, 'sandbox logs');
  const { Sandbox, NotFoundError } = await ctx.client();
  const connection = await ctx.connection();
  let cursor: Date | undefined;
  let seen = new Set<string>();
  const print = (entries: SandboxLogEntry[]) => {
    const next = new Set<string>();
    for (const entry of entries) {
      const key = `${entry.timestamp.getTime()}\u0000${entry.message}`;
      next.add(key);
      if (seen.has(key)) continue;
      if (ctx.globals.json) printJsonLine(ctx, entry);
      else ctx.io.stdout.write(`${formatLogLine(entry, opts)}\n`);
    }
    seen = next;
    if (entries.length) cursor = entries[entries.length - 1].timestamp;
  };
  const initial = await Sandbox.getLogs(id, { ...connection, signal: ctx.signal });
  if (!opts.follow && ctx.globals.json) {
    printJson(ctx, initial);
    return;
  }
  print(initial);
  while (opts.follow) {
    await sleep(FOLLOW_INTERVAL_MS, ctx.signal);
    try {
      print(await Sandbox.getLogs(id, { ...connection, signal: ctx.signal, ...(cursor ? { cursor } : {}) }));
    } catch (error) {
      if (error instanceof NotFoundError) {
        ctx.note(`Sandbox ${id} is gone.`);
        return;
      }
      throw error;
    }
  }
}
