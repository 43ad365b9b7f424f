import { Command, type CommandUnknownOpts } from '@commander-js/extra-typings';
import type { Context } from '../../context.js';
import { CancelError, SilentError, UsageError } from '../../errors.js';
import { ExitCode } from '../../exit-codes.js';
import { printJson, success } from '../../output.js';
import { metadataOption, stateOption, type SANDBOX_STATES } from '../../flags.js';
import { parseSandboxId } from '../../parse.js';
import { fetchSandboxes } from './list.js';
import { resolveSandboxId } from './shared.js';

export interface KillOptions {
  sandboxIds: string[];
  all: boolean;
  metadata?: Record<string, string>;
  state?: Array<(typeof SANDBOX_STATES)[number]>;
}

export function killCommand(ctx: Context, run = runKill): CommandUnknownOpts {
  return new Command('kill')
    .alias('rm')
    .description('Kill sandboxes (their files are deleted)')
    .argument('[ids...]', 'sandbox IDs')
    .option('--all', 'kill every sandbox (narrowed by --metadata / --state); asks first unless -y', false)
    .addOption(metadataOption('with --all: only sandboxes with this label (repeatable)'))
    .addOption(stateOption('with --all: only these states (running,paused)'))
    .addHelpText(
      'after',
      `
Examples:
  $ e2b-ts sandbox kill i1a2b3c4d5e6f7g8h9i0j
  $ e2b-ts sandbox kill --all --metadata owner=ci -y`,
    )
    .action(async (ids: string[], o) => {
      const opts: KillOptions = { sandboxIds: ids, all: o.all };
      if (o.metadata) opts.metadata = o.metadata;
      if (o.state) opts.state = o.state;
      await run(opts, ctx);
    });
}

export async function runKill(opts: KillOptions, ctx: Context): Promise<void> {
  if (opts.all && opts.sandboxIds.length > 0) throw new UsageError('give sandbox IDs or --all, not both');
  if (!opts.all && (opts.metadata || opts.state)) throw new UsageError('--metadata and --state narrow --all; add --all');
  let ids: string[];
  if (opts.all) {
    const listed = await fetchSandboxes(ctx, {
      ...(opts.metadata ? { metadata: opts.metadata } : {}),
      ...(opts.state ? { state: opts.state } : {}),
    });
    ids = listed.map((s) => s.sandboxId);
    if (ids.length === 0) {
      if (ctx.globals.json) printJson(ctx, { killed: [], notFound: [] });
      else ctx.note('No sandboxes to kill.');
      return;
    }
    if (!ctx.globals.yes) {
      if (!ctx.io.canPrompt()) throw new UsageError(`refusing to kill ${ids.length} sandbox(es) without confirmation: add -y/--yes`);
      const ok = await ctx.prompter.confirm(`Kill ${ids.length} sandbox${ids.length === 1 ? '' : 'es'}?`, { default: false });
      if (!ok) throw new CancelError('nothing killed');
    }
  } else if (opts.sandboxIds.length === 0) {
    ids = [await resolveSandboxId(ctx, undefined, 'sandbox kill')];
  } else {
    ids = opts.sandboxIds.map(parseSandboxId);
  }

  const { Sandbox } = await ctx.client();
  const connection = await ctx.connection();
  const killed: string[] = [];
  const notFound: string[] = [];
  // A few at a time: fast for --all, gentle on the API's rate limit.
  const queue = [...ids];
  await Promise.all(
    Array.from({ length: Math.min(8, queue.length) }, async () => {
      for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
        if (await Sandbox.kill(id, { ...connection, signal: ctx.signal })) {
          killed.push(id);
          success(ctx, `Killed sandbox ${id}`);
        } else {
          notFound.push(id);
          if (!ctx.globals.json) ctx.io.stderr.write(`error: sandbox ${id} not found\n`);
        }
      }
    }),
  );
  if (ctx.globals.json) printJson(ctx, { killed, notFound });
  if (notFound.length > 0) throw new SilentError(ExitCode.NOT_FOUND);
}
