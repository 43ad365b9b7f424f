import { Command, type CommandUnknownOpts } from '@commander-js/extra-typings';
import type { Sandbox as SandboxClass } from '../../client/sandbox.js';
import { tooManyBeforeDashDash } from '../command-start.js';
import type { Context } from '../context.js';
import { CancelError, ExecError, UsageError } from '../errors.js';
import { commandTimeoutOption, cwdOption, envOption, shellOption, streamOption, userOption } from '../flags.js';
import type { RemoteCommand } from '../remote-exec.js';
import { resolveSandboxId } from './sandbox/shared.js';

export interface ExecOptions {
  sandboxId?: string;
  command: RemoteCommand['command'];
  cwd?: string;
  user?: string;
  envs?: Record<string, string>;
  timeoutMs: number;
  stdin: boolean;
  background: boolean;
  /** `--json --stream`: NDJSON events. */
  stream?: boolean;
}

/** The words after the first `--` of the invocation (commander drops the marker itself). */
export function wordsAfterDashDash(command: CommandUnknownOpts): string[] | undefined {
  let root = command;
  while (root.parent) root = root.parent;
  const raw = (root as CommandUnknownOpts & { rawArgs?: string[] }).rawArgs ?? [];
  const at = raw.indexOf('--');
  return at < 0 ? undefined : raw.slice(at + 1);
}

const EXEC_USAGE = 'e2b-ts exec <sandbox> [--] <command> [args...]';

/**
 * Splits exec's and run's operands into ours (before `--`) and the command (after it). `usage`
 * is the verb's usage line for the error of a missing command.
 */
export function splitCommandLine(
  operands: string[],
  afterDashDash: string[] | undefined,
  shell: string | undefined,
  usage = EXEC_USAGE,
): { sandboxOperands: string[]; command: RemoteCommand['command'] } {
  const result = splitOperands(operands, afterDashDash, shell, usage);
  // Unknown options reach us as operands (they may belong to a command whose -- was forgotten).
  const stray = result.sandboxOperands.find((word) => word.startsWith('-'));
  if (stray) throw new UsageError(`unknown option '${stray}' (options of the command go after --)`);
  return result;
}

function splitOperands(
  operands: string[],
  afterDashDash: string[] | undefined,
  shell: string | undefined,
  usage: string,
): { sandboxOperands: string[]; command: RemoteCommand['command'] } {
  if (shell !== undefined) {
    if (afterDashDash?.length) throw new UsageError('give either --shell or a command, not both');
    if (!shell.trim()) throw new UsageError('--shell needs a command line');
    return { sandboxOperands: operands, command: { shell } };
  }
  // markCommandStart (main.ts) put a -- before the command wherever there was one
  if (!afterDashDash) throw new UsageError(`missing command: ${usage} (or --shell "<command line>")`);
  if (afterDashDash.length === 0 || afterDashDash[0] === '') throw new UsageError('empty command: put the program to run after --');
  const sandboxOperands = operands.slice(0, operands.length - afterDashDash.length);
  return { sandboxOperands, command: { program: afterDashDash[0], args: afterDashDash.slice(1) } };
}

/** Name and one-line summary (root help lists them without building the command). */
export const EXEC_VERB = { name: 'exec', aliases: [] as string[], summary: 'Run a command in a sandbox, streaming its output; exits with its exit code' };

export function execCommand(ctx: Context, run = runExec): CommandUnknownOpts {
  return (
    new Command('exec')
      .description(EXEC_VERB.summary)
      .usage('[options] [sandbox] [--] <command> [args...]')
      .argument('[words...]', 'the sandbox ID, then the command with its arguments (-- between them is optional)')
      // `exec ID -la ls`: let -la through so the error can say whose option it is.
      .allowUnknownOption()
      .addOption(cwdOption())
      .addOption(userOption())
      .addOption(envOption())
      .addOption(commandTimeoutOption())
      .addOption(shellOption())
      .option('--background', 'start the command, print its PID and return', false)
      .option('--no-stdin', 'do not forward stdin (as ssh -n), even when it is a pipe or file')
      .addOption(streamOption('with --json: one JSON event per line as output arrives (start, stdout, stderr, exit), for output of any size'))
      .addHelpText(
        'after',
        `
The command starts at the first word after the sandbox ID that is not one of exec's options, or
after --; from there on every word is the command's, its own flags included (exec ID ls --json
lists with ls's --json). A -- is needed only to choose the sandbox from a list (exec -- ls).
The words reach the process exactly as given (no word splitting or globbing on the way); it runs
through a login shell so the sandbox's PATH applies. Stdin is forwarded when it is a pipe
or a file. Exit status: the command's own; 128+N when killed by signal N; 125 when e2b-ts itself
failed; 5 when --timeout passed; 130 after Ctrl-C.

Examples:
  $ e2b-ts exec "$id" -- ls -la /home/user
  $ e2b-ts exec "$id" --cwd /tmp ls -la          # the same without --, as PowerShell passes it
  $ tar c src | e2b-ts exec "$id" -- tar x -C /home/user
  $ e2b-ts exec "$id" --shell 'make -j4 && ./run-tests | tee log.txt'
  $ e2b-ts exec "$id" --json -- uname -a | jq -r .stdout
  $ e2b-ts exec "$id" --json --stream -- make | jq -c 'select(.type == "exit")'

--json keeps the first 16 MiB of each stream (the document then says stdoutTruncated and
stdoutBytes); --json --stream has all of it. The exit code is always there.`,
      )
      .action(async (words, o, command) => {
        const { sandboxOperands, command: remote } = splitCommandLine(words, wordsAfterDashDash(command), o.shell, EXEC_USAGE);
        if (sandboxOperands.length > 1) {
          throw tooManyBeforeDashDash('exec', sandboxOperands);
        }
        const opts: ExecOptions = {
          command: remote,
          timeoutMs: o.timeout ?? 0,
          stdin: o.stdin,
          background: o.background,
        };
        if (o.stream) {
          if (!ctx.globals.json) throw new UsageError('--stream goes with --json (one JSON event per line)');
          opts.stream = true;
        }
        if (sandboxOperands[0]) opts.sandboxId = sandboxOperands[0];
        if (o.cwd) opts.cwd = o.cwd;
        if (o.user) opts.user = o.user;
        if (o.env) opts.envs = o.env;
        await run(opts, ctx);
      })
  );
}

export async function runExec(opts: ExecOptions, ctx: Context): Promise<void> {
  const id = await resolveSandboxId(ctx, opts.sandboxId, 'exec');
  const { NotFoundError, AuthenticationError } = await ctx.client();
  let sandbox: SandboxClass;
  try {
    // Looking a sandbox up to use it never shortens its lifetime (a paused one is resumed).
    sandbox = await ctx.sandbox(id);
  } catch (error) {
    if (ctx.signal.aborted) throw new CancelError('interrupted');
    if (error instanceof NotFoundError || error instanceof AuthenticationError) throw error;
    throw new ExecError(error instanceof Error ? error.message : String(error), { cause: error });
  }
  const { runRemote } = await import('../remote-exec.js');
  await runRemote(ctx, sandbox, {
    command: opts.command,
    timeoutMs: opts.timeoutMs,
    forwardStdin: opts.stdin,
    background: opts.background,
    json: ctx.globals.json,
    ...(opts.stream ? { stream: true } : {}),
    ...(opts.cwd !== undefined ? { cwd: opts.cwd } : {}),
    ...(opts.user !== undefined ? { user: opts.user } : {}),
    ...(opts.envs ? { envs: opts.envs } : {}),
  });
}
