import { Command, type CommandUnknownOpts } from '@commander-js/extra-typings';
import type { Context } from '../../context.js';
import { success } from '../../output.js';
import { parseSandboxId } from '../../parse.js';
import { parsePid } from './shared.js';

export interface ProcStdinOptions {
  sandboxId: string;
  pid: number;
  /** Close the process's stdin at our end of file. */
  close: boolean;
}

export function procStdinCommand(ctx: Context, run = runProcStdin): CommandUnknownOpts {
  return new Command('stdin')
    .description("Pipe this command's stdin into a running process's stdin (started with stdin enabled)")
    .argument('<sandbox>', 'sandbox ID')
    .argument('<pid>', 'process ID')
    .option('--no-close', "keep the process's stdin open at end of file")
    .addHelpText('after', '\nExamples:\n  $ echo "quit" | e2b-ts proc stdin "$id" 1234')
    .action(async (sandbox: string, pid: string, o) => run({ sandboxId: parseSandboxId(sandbox), pid: parsePid(pid), close: o.close }, ctx));
}

export async function runProcStdin(opts: ProcStdinOptions, ctx: Context): Promise<void> {
  const sandbox = await ctx.sandbox(opts.sandboxId);
  // Check the process first: with empty input and --no-close nothing else would.
  if (!(await sandbox.commands.list({ signal: ctx.signal })).some((p) => p.pid === opts.pid)) {
    const { NotFoundError } = await ctx.client();
    throw new NotFoundError(`no process with PID ${opts.pid} runs in sandbox ${opts.sandboxId}`);
  }
  let bytes = 0;
  for await (const chunk of ctx.io.stdin) {
    const data = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    await sandbox.commands.sendStdin(opts.pid, data, { signal: ctx.signal });
    bytes += data.length;
  }
  if (opts.close) await sandbox.commands.closeStdin(opts.pid, { signal: ctx.signal });
  success(ctx, `Sent ${bytes} bytes to process ${opts.pid}${opts.close ? ' and closed its stdin' : ''}`);
}
