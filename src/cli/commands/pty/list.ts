import { Command, type CommandUnknownOpts } from '@commander-js/extra-typings';
import type { Context } from '../../context.js';
import { printJson, printTable } from '../../output.js';
import { sanitize } from '../../render/sanitize.js';
import { commandLine } from '../proc/list.js';
import { resolveSandboxId } from '../sandbox/shared.js';

export function ptyListCommand(ctx: Context, run = runPtyList): CommandUnknownOpts {
  return new Command('ls')
    .alias('list')
    .description('List the terminal sessions running in a sandbox')
    .argument('[sandbox]', 'sandbox ID')
    .action(async (sandbox: string | undefined) => run(sandbox ? { sandboxId: sandbox } : {}, ctx));
}

export async function runPtyList(opts: { sandboxId?: string }, ctx: Context): Promise<void> {
  const id = await resolveSandboxId(ctx, opts.sandboxId, 'pty ls');
  const sandbox = await ctx.sandbox(id);
  const sessions = await sandbox.pty.list({ signal: ctx.signal });
  if (ctx.globals.json) {
    printJson(ctx, sessions);
    return;
  }
  if (sessions.length === 0) {
    ctx.note('No terminal sessions.');
    return;
  }
  printTable(
    ctx,
    ['PID', 'TAG', 'COMMAND'],
    sessions.map((s) => [String(s.pid), sanitize(s.tag ?? '-'), sanitize(commandLine(s.cmd, s.args))]),
  );
}
