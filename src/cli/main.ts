/**
 * The CLI's entry: parses argv, runs the command, and turns whatever it throws into one line on
 * stderr and an exit code. The only place that decides exit codes (exit-codes.ts has the table).
 */
import { CommanderError } from '@commander-js/extra-typings';
import { SandboxError } from '../client/errors.js';
import { markCommandStart } from './command-start.js';
import { buildProgram, globalsOf } from './commands/root.js';
import { createSystemContext, type Context } from './context.js';
import { CancelError, CopyError, ExecError, GitError, LocalBackendError, LocalPortError, SilentError, UsageError } from './errors.js';
import { ExitCode, exitCodeFor } from './exit-codes.js';
import { KeychainUnavailableError } from './keychain.js';
import { isReaderGone, READER_GONE_STATUS } from './reader-gone.js';
import { escapeControls } from './render/sanitize.js';

export { createSystemContext };
/** For the build, which embeds every command's help in quick.ts. */
export { helpTree } from './help-texts.js';

/** Runs the CLI and returns the exit code. */
export async function main(argv: string[], ctx: Context = createSystemContext()): Promise<number> {
  const program = buildProgram(ctx, argv);
  let code: number;
  try {
    await program.parseAsync(markCommandStart(argv, program), { from: 'user' });
    code = ExitCode.OK;
  } catch (error) {
    code = report(error, ctx, () => globalsOf(program).debug || ctx.globals.debug);
  }
  return ctx.stdoutClosed() ? READER_GONE_STATUS : code;
}

function report(error: unknown, ctx: Context, debug: () => boolean): number {
  if (error instanceof CommanderError) {
    // commander already printed its message (or the help/version it was asked for)
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') {
      return ExitCode.OK;
    }
    if (error.code === 'commander.executeSubCommandAsync') return ExitCode.ERROR;
    return ExitCode.USAGE;
  }
  if (error instanceof SilentError) return error.exitCode;
  // Our stdout was closed early (`| head`): stop quietly, as a program killed by SIGPIPE does.
  if (ctx.stdoutClosed() || isBrokenPipe(error, ctx)) return READER_GONE_STATUS;
  const code = exitCodeFor(error);
  const message = error instanceof Error ? error.message : String(error);
  const color = ctx.io.color;
  if (error instanceof CancelError) {
    ctx.io.stderr.write(`${escapeControls(oneLine(message))}\n`);
    return code;
  }
  const known =
    error instanceof UsageError ||
    error instanceof ExecError ||
    error instanceof CopyError ||
    error instanceof GitError ||
    error instanceof LocalPortError ||
    error instanceof KeychainUnavailableError ||
    error instanceof LocalBackendError ||
    isLibraryError(error);
  const line = known ? message : `${message} (unexpected; rerun with --debug for details)`;
  // Messages carry servers' and sandboxes' text: the terminal must see it, never act on it.
  ctx.io.stderr.write(`${color.red('error:')} ${escapeControls(oneLine(line))}\n`);
  if (debug() && error instanceof Error && error.stack) ctx.io.stderr.write(`${color.dim(escapeControls(error.stack))}\n`);
  return code;
}

function isBrokenPipe(error: unknown, ctx: Context): boolean {
  if (isReaderGone(error)) return true;
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    // a pipeline into stdout reports the reader going away as a premature close
    if (code === 'ERR_STREAM_PREMATURE_CLOSE' && ctx.io.stdout.destroyed) return true;
  }
  return false;
}

function isLibraryError(error: unknown): boolean {
  return error instanceof SandboxError;
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}
