import { Command, type CommandUnknownOpts } from '@commander-js/extra-typings';
import type { Context } from '../../context.js';
import { printJson, printTable } from '../../output.js';
import { sanitize } from '../../render/sanitize.js';
import { resolveSandboxId } from '../sandbox/shared.js';

export interface ProcListOptions {
  sandboxId?: string;
}

/** How a process's command reads in a table: the shell line for `bash -l -c`, else the argv. */
export function commandLine(cmd: string, args: string[]): string {
  if (cmd === '/bin/bash' && args[0] === '-l' && args[1] === '-c') {
    if (args[2] === 'exec "$0" "$@"') return args.slice(3).join(' ');
    return args.slice(2).join(' ');
  }
  return [cmd, ...args].join(' ');
}

export function procListCommand(ctx: Context, run = runProcList): CommandUnknownOpts {
  return new Command('ls')
    .alias('list')
    .description('List the processes started in a sandbox (through envd) that are still running')
    .argument('[sandbox]', 'sandbox ID')
    .action(async (sandbox: string | undefined) => run(sandbox ? { sandboxId: sandbox } : {}, ctx));
}

export async function runProcList(opts: ProcListOptions, ctx: Context): Promise<void> {
  const id = await resolveSandboxId(ctx, opts.sandboxId, 'proc ls');
  const sandbox = await ctx.sandbox(id);
  const processes = await sandbox.commands.list({ signal: ctx.signal });
  if (ctx.globals.json) {
    printJson(ctx, processes);
    return;
  }
  if (processes.length === 0) {
    ctx.note('No processes.');
    return;
  }
  printTable(
    ctx,
    ['PID', 'TAG', 'CWD', 'COMMAND'],
    processes.map((p) => [String(p.pid), sanitize(p.tag ?? '-'), sanitize(p.cwd ?? '-'), sanitize(commandLine(p.cmd, p.args))]),
  );
}
