import { Command, type CommandUnknownOpts } from '@commander-js/extra-typings';
import type { SandboxInfo, SandboxState } from '../../../client/sandbox-api.js';
import type { Context } from '../../context.js';
import { printJson, printTable } from '../../output.js';
import { limitOption, metadataOption, stateOption } from '../../flags.js';
import { SANDBOX_COLUMNS, sandboxRows } from './shared.js';

export interface ListOptions {
  state?: SandboxState[];
  metadata?: Record<string, string>;
  template?: string;
  /** At most this many sandboxes (all pages are followed until then). */
  limit?: number;
}

export function listCommand(ctx: Context, run = runList): CommandUnknownOpts {
  return new Command('ls')
    .alias('list')
    .description('List sandboxes (running and paused)')
    .addOption(stateOption())
    .addOption(metadataOption('only sandboxes with this label (repeatable; all must match)'))
    .option('--template <name>', 'only sandboxes of this template')
    .addOption(limitOption('show at most n sandboxes'))
    .addHelpText(
      'after',
      `
Examples:
  $ e2b-ts sandbox ls --state running
  $ e2b-ts sandbox ls --metadata owner=ci --json | jq -r '.[].sandboxId'`,
    )
    .action(async (o) => {
      const opts: ListOptions = {};
      if (o.state) opts.state = o.state;
      if (o.metadata) opts.metadata = o.metadata;
      if (o.template) opts.template = o.template;
      if (o.limit !== undefined) opts.limit = o.limit;
      await run(opts, ctx);
    });
}

/** Fetches the listing, following pages until `limit` (or the end). */
export async function fetchSandboxes(ctx: Context, opts: ListOptions): Promise<SandboxInfo[]> {
  const { Sandbox } = await ctx.client();
  const query: NonNullable<Parameters<typeof Sandbox.list>[0]>['query'] = {};
  if (opts.state) query.state = opts.state;
  if (opts.metadata) query.metadata = opts.metadata;
  if (opts.template) query.template = opts.template;
  const paginator = Sandbox.list({
    ...(await ctx.connection()),
    query,
    limit: Math.min(opts.limit ?? 100, 100),
  });
  return paginator.toArray({ signal: ctx.signal, ...(opts.limit !== undefined ? { max: opts.limit } : {}) });
}

export async function runList(opts: ListOptions, ctx: Context): Promise<void> {
  const sandboxes = await fetchSandboxes(ctx, opts);
  if (ctx.globals.json) {
    printJson(ctx, sandboxes);
    return;
  }
  if (sandboxes.length === 0) {
    ctx.note('No sandboxes.');
    return;
  }
  printTable(ctx, SANDBOX_COLUMNS, sandboxRows(sandboxes, { tty: ctx.io.isStdoutTTY }));
}
