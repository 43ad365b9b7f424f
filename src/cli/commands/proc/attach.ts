import { Command, type CommandUnknownOpts } from '@commander-js/extra-typings';
import type { Writable } from 'node:stream';
import type { Context } from '../../context.js';
import { SilentError } from '../../errors.js';
import { ExitCode } from '../../exit-codes.js';
import { parseSandboxId } from '../../parse.js';
import { exitStatusOf } from '../../exit-status.js';
import { parsePid } from './shared.js';

export interface ProcAttachOptions {
  sandboxId: string;
  pid: number;
}

export function procAttachCommand(ctx: Context, run = runProcAttach): CommandUnknownOpts {
  return new Command('attach')
    .description("Stream a running process's output; Ctrl-C detaches and leaves it running")
    .argument('<sandbox>', 'sandbox ID')
    .argument('<pid>', 'process ID')
    .addHelpText('after', "\nExits with the process's exit status when it ends while attached, 130 when detached.")
    .action(async (sandbox: string, pid: string) => run({ sandboxId: parseSandboxId(sandbox), pid: parsePid(pid) }, ctx));
}

const write = (stream: Writable, data: Uint8Array) => (stream.write(data) ? undefined : new Promise<void>((resolve) => stream.once('drain', resolve)));

export async function runProcAttach(opts: ProcAttachOptions, ctx: Context): Promise<void> {
  const sandbox = await ctx.sandbox(opts.sandboxId);
  const handle = await sandbox.commands.connect(opts.pid, {
    timeoutMs: 0,
    collect: false,
    onOutput: (stream, data) => write(stream === 'stderr' ? ctx.io.stderr : ctx.io.stdout, data),
  });
  const detached = new Promise<'detached'>((resolve) => {
    if (ctx.signal.aborted) resolve('detached');
    ctx.signal.addEventListener('abort', () => resolve('detached'), { once: true });
  });
  const outcome = await Promise.race([handle.finished(), detached]);
  if (outcome === 'detached') {
    void handle.disconnect();
    ctx.io.stderr.write(`detached; process ${opts.pid} keeps running (e2b-ts proc attach ${opts.sandboxId} ${opts.pid})\n`);
    throw new SilentError(ExitCode.INTERRUPTED);
  }
  throw new SilentError(exitStatusOf(outcome));
}
