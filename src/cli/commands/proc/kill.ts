import { Command, type CommandUnknownOpts } from '@commander-js/extra-typings';
import type { Context } from '../../context.js';
import { printJson, success } from '../../output.js';
import { parseSandboxId } from '../../parse.js';
import { parsePid, parseSignal } from './shared.js';

export interface ProcKillOptions {
  sandboxId: string;
  pid: number;
  signal: number;
}

export function procKillCommand(ctx: Context, run = runProcKill): CommandUnknownOpts {
  return new Command('kill')
    .description('Send a signal to a process (and its process group) in a sandbox')
    .argument('<sandbox>', 'sandbox ID')
    .argument('<pid>', 'process ID (from proc ls or exec --background)')
    .option('-s, --signal <name>', 'signal: TERM, KILL, INT, HUP, QUIT, USR1, USR2, STOP, CONT', 'KILL')
    .action(async (sandbox: string, pid: string, o) => run({ sandboxId: parseSandboxId(sandbox), pid: parsePid(pid), signal: parseSignal(o.signal) }, ctx));
}

export async function runProcKill(opts: ProcKillOptions, ctx: Context): Promise<void> {
  const sandbox = await ctx.sandbox(opts.sandboxId);
  const sent = await sandbox.commands.sendSignal(opts.pid, opts.signal, { signal: ctx.signal });
  if (!sent) {
    const { NotFoundError } = await ctx.client();
    throw new NotFoundError(`no process with PID ${opts.pid} runs in sandbox ${opts.sandboxId}`);
  }
  if (ctx.globals.json) printJson(ctx, { sandboxId: opts.sandboxId, pid: opts.pid, signal: opts.signal });
  else success(ctx, `Sent signal ${opts.signal} to process ${opts.pid}`);
}
