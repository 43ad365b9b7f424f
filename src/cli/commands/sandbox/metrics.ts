import { Command, type CommandUnknownOpts } from '@commander-js/extra-typings';
import type { SandboxMetrics } from '../../../client/sandbox-api.js';
import type { Context } from '../../context.js';
import { printJson, printJsonLine, printTable } from '../../output.js';
import { formatBytes } from '../../render/format.js';
import { renderTable } from '../../render/table.js';
import { sleep } from '../../sleep.js';
import { resolveSandboxId } from './shared.js';

/** How often `-f` asks for new samples (E2B samples every 5 s). */
const FOLLOW_INTERVAL_MS = 5_000;

export interface MetricsOptions {
  sandboxId?: string;
  follow: boolean;
}

export const METRICS_COLUMNS = ['TIME', 'CPU%', 'CPUS', 'MEMORY', 'MEMORY TOTAL', 'DISK', 'DISK TOTAL'];

/** Table rows of metric samples: human sizes on a terminal, raw numbers when piped. */
export function metricsRows(samples: SandboxMetrics[], tty: boolean): string[][] {
  const size = (n: number) => (tty ? formatBytes(n) : String(n));
  return samples.map((m) => [
    tty ? m.timestamp.toLocaleTimeString() : m.timestamp.toISOString(),
    tty ? `${m.cpuUsedPct.toFixed(1)}%` : String(m.cpuUsedPct),
    String(m.cpuCount),
    size(m.memUsed),
    size(m.memTotal),
    size(m.diskUsed),
    size(m.diskTotal),
  ]);
}

export function metricsCommand(ctx: Context, run = runMetrics): CommandUnknownOpts {
  return new Command('metrics')
    .description("Show a sandbox's CPU, memory and disk usage")
    .argument('[id]', 'sandbox ID')
    .option('-f, --follow', 'keep printing new samples until interrupted', false)
    .action(async (id: string | undefined, o) => run({ ...(id ? { sandboxId: id } : {}), follow: o.follow }, ctx));
}

export async function runMetrics(opts: MetricsOptions, ctx: Context): Promise<void> {
  const id = await resolveSandboxId(ctx, opts.sandboxId, 'sandbox metrics');
  const { Sandbox } = await ctx.client();
  const connection = await ctx.connection();
  const fetch = () => Sandbox.getMetrics(id, { ...connection, signal: ctx.signal });
  const samples = await fetch();
  if (!opts.follow) {
    if (ctx.globals.json) printJson(ctx, samples);
    else if (samples.length === 0) ctx.note('No metrics yet (is the sandbox paused?).');
    else printTable(ctx, METRICS_COLUMNS, metricsRows(samples, ctx.io.isStdoutTTY));
    return;
  }
  const tty = ctx.io.isStdoutTTY && !ctx.globals.json;
  let last = 0;
  let first = true;
  const emit = (batch: SandboxMetrics[]) => {
    const fresh = batch.filter((m) => m.timestamp.getTime() > last);
    if (fresh.length === 0) return;
    last = fresh[fresh.length - 1].timestamp.getTime();
    if (ctx.globals.json) for (const m of fresh) printJsonLine(ctx, m);
    else {
      const text = renderTable(METRICS_COLUMNS, metricsRows(fresh, tty), { tty, color: ctx.io.color });
      // the header only once, above the first batch
      ctx.io.stdout.write(tty && !first ? text.slice(text.indexOf('\n') + 1) : text);
    }
    first = false;
  };
  emit(samples);
  for (;;) {
    await sleep(FOLLOW_INTERVAL_MS, ctx.signal);
    emit(await fetch());
  }
}
