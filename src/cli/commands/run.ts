import { Command, type CommandUnknownOpts } from '@commander-js/extra-typings';
import type { Sandbox } from '../../client/sandbox.js';
import type { SandboxCreateOpts } from '../../client/sandbox-api.js';
import { tooManyBeforeDashDash } from '../command-start.js';
import type { Context } from '../context.js';
import { CancelError, ExecError, SilentError, UsageError } from '../errors.js';
import { commandTimeoutOption, cwdOption, envOption, metadataOption, shellOption, streamOption, userOption, volumeOption } from '../flags.js';
import type { RemoteCommand } from '../remote-exec.js';
import { splitCommandLine, wordsAfterDashDash } from './exec.js';
import { parseVolumeMounts, requireMountedVolumes } from './volume/shared.js';

/**
 * Lifetime the throwaway sandbox is kept at while its command runs, renewed every
 * KEEPALIVE_EVERY_MS: long enough to survive a slow network, short enough that a sandbox whose
 * CLI was killed (SIGKILL, power loss) does not linger.
 */
const SANDBOX_LEASE_MS = 10 * 60_000;
const KEEPALIVE_EVERY_MS = 60_000;

export interface RunOptions {
  template?: string;
  /** `--json --stream`: NDJSON events. */
  stream?: boolean;
  command: RemoteCommand['command'];
  metadata?: Record<string, string>;
  /** Mount path → volume name (`--volume`). */
  volumeMounts?: Record<string, string>;
  envs?: Record<string, string>;
  cwd?: string;
  user?: string;
  timeoutMs: number;
  stdin: boolean;
  secure: boolean;
  internet: boolean;
}

const RUN_USAGE = 'e2b-ts run [options] [--] <command> [args...]';

/** Name and one-line summary (root help lists them without building the command). */
export const RUN_VERB = { name: 'run', aliases: [] as string[], summary: 'Run a command in a new sandbox that is killed afterwards (like docker run --rm)' };

export function runCommand(ctx: Context, run = runRun): CommandUnknownOpts {
  return new Command('run')
    .description(RUN_VERB.summary)
    .usage('[options] [--] <command> [args...]  |  [options] <template> -- <command> [args...]')
    .argument('[words...]', 'the command with its arguments; or a template, then -- and the command')
    .allowUnknownOption()
    .option('--template <template>', 'template of the sandbox (default: base); the same as the word before --')
    .addOption(metadataOption())
    .addOption(envOption('environment variable of the sandbox (repeatable)'))
    .addOption(cwdOption('working directory of the command'))
    .addOption(userOption())
    .addOption(commandTimeoutOption())
    .addOption(shellOption())
    .option('--no-stdin', 'do not forward stdin')
    .option('--no-secure', 'do not require an access token for the sandbox')
    .option('--no-internet', 'cut the sandbox off from the internet')
    .addOption(volumeOption())
    .addOption(streamOption('with --json: one JSON event per line as output arrives, for output of any size'))
    .addHelpText(
      'after',
      `
The command starts at the first word that is not one of run's options, or after --; from there on
every word is the command's. Without --, name the template with --template (a word before -- is
the template). The sandbox is killed when the command ends, fails, or is interrupted. Exit status
as for exec.

Examples:
  $ e2b-ts run --local -- uname -a
  $ e2b-ts run base --timeout 10m -- python3 -c 'print(6*7)'
  $ e2b-ts run --template base python3 -c 'print(6*7)'     # the same without --, as PowerShell passes it
  $ cat script.sh | e2b-ts run --local -- bash -s`,
    )
    .action(async (words, o, command) => {
      const { sandboxOperands, command: remote } = splitCommandLine(words, wordsAfterDashDash(command), o.shell, RUN_USAGE);
      if (sandboxOperands.length > 1) {
        throw tooManyBeforeDashDash('run', sandboxOperands);
      }
      if (sandboxOperands[0] !== undefined && o.template !== undefined) {
        throw new UsageError(`two templates: ${sandboxOperands[0]} before -- and --template ${o.template}; give one`);
      }
      const opts: RunOptions = {
        command: remote,
        timeoutMs: o.timeout ?? 0,
        stdin: o.stdin,
        secure: o.secure,
        internet: o.internet,
      };
      if (o.stream) {
        if (!ctx.globals.json) throw new UsageError('--stream goes with --json (one JSON event per line)');
        opts.stream = true;
      }
      const template = o.template ?? sandboxOperands[0];
      if (template) opts.template = template;
      if (o.cwd) opts.cwd = o.cwd;
      if (o.user) opts.user = o.user;
      if (o.metadata) opts.metadata = o.metadata;
      if (o.env) opts.envs = o.env;
      const volumeMounts = parseVolumeMounts(o.volume);
      if (volumeMounts) opts.volumeMounts = volumeMounts;
      await run(opts, ctx);
    });
}

export async function runRun(opts: RunOptions, ctx: Context): Promise<void> {
  const client = await ctx.client();
  const connection = await ctx.connection();
  const create: SandboxCreateOpts = {
    timeoutMs: SANDBOX_LEASE_MS,
    secure: opts.secure,
    allowInternetAccess: opts.internet,
    metadata: { 'e2b-ts': 'run', ...(opts.metadata ?? {}) },
  };
  if (opts.template) create.template = opts.template;
  if (opts.envs) create.envs = opts.envs;
  if (opts.volumeMounts) create.volumeMounts = opts.volumeMounts;
  await requireMountedVolumes(ctx, opts.volumeMounts);

  // No abort signal here: a create interrupted mid-flight could leave a sandbox nobody kills.
  let sandbox: Sandbox;
  try {
    sandbox = await client.Sandbox.create({ ...connection, ...create });
  } catch (error) {
    if (error instanceof client.NotFoundError || error instanceof client.AuthenticationError || error instanceof client.InvalidArgumentError) throw error;
    throw new ExecError(error instanceof Error ? error.message : String(error), { cause: error });
  }
  const lease = setInterval(() => {
    void sandbox.connect({ timeoutMs: SANDBOX_LEASE_MS }).catch(() => {});
  }, KEEPALIVE_EVERY_MS);
  try {
    if (ctx.signal.aborted) throw new CancelError('interrupted');
    const { runRemote } = await import('../remote-exec.js');
    await runRemote(ctx, sandbox, {
      command: opts.command,
      timeoutMs: opts.timeoutMs,
      forwardStdin: opts.stdin,
      background: false,
      json: ctx.globals.json,
      ...(opts.stream ? { stream: true } : {}),
      ...(opts.cwd !== undefined ? { cwd: opts.cwd } : {}),
      ...(opts.user !== undefined ? { user: opts.user } : {}),
    });
  } finally {
    clearInterval(lease);
    // Always, whatever happened above (and without the interrupted signal).
    const killed = await sandbox.kill().catch((error: unknown) => error);
    if (killed instanceof Error) ctx.warn(`could not kill sandbox ${sandbox.sandboxId}: ${killed.message}`);
  }
  throw new SilentError(0);
}
