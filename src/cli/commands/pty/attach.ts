import { Command, type CommandUnknownOpts } from '@commander-js/extra-typings';
import type { Context } from '../../context.js';
import { UsageError } from '../../errors.js';
import { cwdOption, envOption, userOption } from '../../flags.js';
import { parsePid } from '../proc/shared.js';
import { resolveSandboxId } from '../sandbox/shared.js';

export interface PtyAttachOptions {
  sandboxId?: string;
  pid?: number;
  cwd?: string;
  user?: string;
  envs?: Record<string, string>;
  cmd?: string;
  detachKeys: string;
  forceTty: boolean;
}

export function ptyAttachCommand(ctx: Context, run = runPtyAttach, name = 'attach'): CommandUnknownOpts {
  return new Command(name)
    .description('Open an interactive terminal in a sandbox (or reattach to one with --pid)')
    .argument('[sandbox]', 'sandbox ID')
    .option('--pid <pid>', 'reattach to this running terminal session (see pty ls)')
    .addOption(cwdOption('working directory of a new session'))
    .addOption(userOption('sandbox user of a new session: user or root'))
    .addOption(envOption('environment variable of a new session (repeatable)'))
    .option('--cmd <command line>', 'run this instead of a login shell')
    .option('--detach-keys <keys>', 'key sequence that detaches, leaving the session running', 'ctrl-p,ctrl-q')
    .option('--force-tty', 'attach even when stdin is not a terminal', false)
    .addHelpText(
      'after',
      `
Detach with the detach keys (default Ctrl-P Ctrl-Q) or ~. at the start of a line; the session
keeps running and --pid reattaches to it. Exiting the remote shell exits with its status.

Examples:
  $ e2b-ts pty attach "$id"
  $ e2b-ts pty attach "$id" --user root --cmd htop
  $ e2b-ts pty attach "$id" --pid 42`,
    )
    .action(async (sandbox, o) => {
      const opts: PtyAttachOptions = { detachKeys: o.detachKeys, forceTty: o.forceTty };
      if (sandbox) opts.sandboxId = sandbox;
      if (o.pid !== undefined) opts.pid = parsePid(o.pid);
      if (o.cwd) opts.cwd = o.cwd;
      if (o.user) opts.user = o.user;
      if (o.cmd) opts.cmd = o.cmd;
      if (o.env) opts.envs = o.env;
      await run(opts, ctx);
    });
}

export async function runPtyAttach(opts: PtyAttachOptions, ctx: Context): Promise<void> {
  const { parseDetachKeys } = await import('../../detach-keys.js');
  let detachKeys: Uint8Array;
  try {
    detachKeys = parseDetachKeys(opts.detachKeys);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (!ctx.io.isStdinTTY && !opts.forceTty) {
    throw new UsageError('stdin is not a terminal: use `e2b-ts exec <sandbox> -- <command>` to run commands from scripts (or --force-tty)');
  }
  if (opts.pid !== undefined && (opts.cmd || opts.cwd || opts.user || opts.envs)) {
    throw new UsageError('--pid reattaches to an existing session; --cmd, --cwd, --user and --env only apply to new ones');
  }
  const id = await resolveSandboxId(ctx, opts.sandboxId, 'pty attach');
  const sandbox = await ctx.sandbox(id);
  const { bridgeTerminal } = await import('../../terminal-bridge.js');
  await bridgeTerminal(ctx, sandbox, {
    ...(opts.pid !== undefined ? { pid: opts.pid } : {}),
    create: {
      ...(opts.cmd !== undefined ? { cmd: opts.cmd } : {}),
      ...(opts.cwd !== undefined ? { cwd: opts.cwd } : {}),
      ...(opts.user !== undefined ? { user: opts.user } : {}),
      ...(opts.envs ? { envs: opts.envs } : {}),
    },
    detachKeys,
    detachKeysLabel: opts.detachKeys,
  });
}
