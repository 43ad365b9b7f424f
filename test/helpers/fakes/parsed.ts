/**
 * A builder alone, through its `run` seam: what options object a command line gives its run
 * function, or which error (and exit code) refuses it. No backend, no client, nothing runs.
 */
import { CommanderError, type CommandUnknownOpts } from '@commander-js/extra-typings';
import { createContext, type Context } from '../../../src/cli/context.js';
import { ExitCode, exitCodeFor } from '../../../src/cli/exit-codes.js';
import { createTestIO } from '../io.js';
import { FakePrompter } from '../prompter.js';

/** A verb's builder: `xCommand(ctx, run)`. */
export type Builder<T> = (ctx: Context, run: (opts: T, ctx: Context) => Promise<void>) => CommandUnknownOpts;

/** The options `args` give the builder's run function. `setup` adjusts the context first (globals such as --json). */
export async function parsed<T>(build: Builder<T>, args: string[], setup?: (ctx: Context) => void): Promise<T> {
  const ctx = createContext({ io: createTestIO().io, env: {}, prompter: FakePrompter.script([]) });
  setup?.(ctx);
  let got: { opts: T } | undefined;
  const command = build(ctx, async (opts) => {
    got = { opts };
  });
  command.exitOverride().configureOutput({ writeOut: () => {}, writeErr: () => {} });
  await command.parseAsync(args, { from: 'user' });
  if (!got) throw new Error(`${command.name()} ${args.join(' ')}: run was not called`);
  return got.opts;
}

/** How `args` are refused: the exit code the CLI would end with (2 for usage errors) and the message. */
export async function refusal<T>(build: Builder<T>, args: string[], setup?: (ctx: Context) => void): Promise<{ code: number; message: string }> {
  try {
    await parsed(build, args, setup);
  } catch (error) {
    const code = error instanceof CommanderError ? ExitCode.USAGE : exitCodeFor(error);
    return { code, message: error instanceof Error ? error.message : String(error) };
  }
  throw new Error(`${args.join(' ')} was accepted`);
}
