import { Command, type CommandUnknownOpts } from '@commander-js/extra-typings';
import type { Context } from '../../context.js';
import { printJson, success } from '../../output.js';
import { parseSandboxId } from '../../parse.js';
import { parsePid } from '../proc/shared.js';

export function ptyKillCommand(ctx: Context, run = runPtyKill): CommandUnknownOpts {
  return new Command('kill')
    .description('End a terminal session')
    .argument('<sandbox>', 'sandbox ID')
    .argument('<pid>', 'session PID (see pty ls)')
    .action(async (sandbox: string, pid: string) => run({ sandboxId: parseSandboxId(sandbox), pid: parsePid(pid) }, ctx));
}

export async function runPtyKill(opts: { sandboxId: string; pid: number }, ctx: Context): Promise<void> {
  const sandbox = await ctx.sandbox(opts.sandboxId);
  if (!(await sandbox.pty.kill(opts.pid, { signal: ctx.signal }))) {
    const { NotFoundError } = await ctx.client();
    throw new NotFoundError(`no terminal session with PID ${opts.pid} in sandbox ${opts.sandboxId}`);
  }
  if (ctx.globals.json) printJson(ctx, { sandboxId: opts.sandboxId, pid: opts.pid, killed: true });
  else success(ctx, `Killed terminal session ${opts.pid}`);
}
