/** Pieces shared by the sandbox verbs: the sandbox picker, renderers. */
import type { SandboxInfo } from '../../../client/sandbox-api.js';
import type { Context } from '../../context.js';
import { UsageError } from '../../errors.js';
import { parseSandboxId } from '../../parse.js';
import { formatMetadata, formatRelative } from '../../render/format.js';
import { sanitize } from '../../render/sanitize.js';

/**
 * The sandbox a command acts on: the given ID, or, on a terminal, one picked from the running
 * sandboxes. Off a terminal a missing ID is a usage error, never a hang. `command` is the
 * command's full name (`sandbox info`, `exec`), for the hint.
 */
export async function resolveSandboxId(ctx: Context, given: string | undefined, command: string): Promise<string> {
  if (given) return parseSandboxId(given);
  if (!ctx.io.canPrompt()) throw new UsageError(`missing sandbox ID: e2b-ts ${command} <id>`);
  const { Sandbox } = await ctx.client();
  const running = await Sandbox.list({ ...(await ctx.connection()), query: { state: ['running'] } }).toArray({ max: 200 });
  if (running.length === 0) throw new UsageError('no running sandboxes to choose from; create one with `e2b-ts sandbox create`');
  return ctx.prompter.select(
    `Sandbox (${command})`,
    running.map((s) => ({
      name: `${s.sandboxId}  ${sanitize(s.name ?? s.templateId)}  ${formatMetadata(s.metadata)}`.trim(),
      value: s.sandboxId,
    })),
  );
}

export const SANDBOX_COLUMNS = ['ID', 'TEMPLATE', 'STATE', 'STARTED', 'ENDS', 'CPU', 'MEMORY', 'METADATA'];

/** Table rows of sandboxes: relative times on a terminal, ISO times when piped. */
export function sandboxRows(sandboxes: SandboxInfo[], opts: { tty: boolean; now?: number }): string[][] {
  const now = opts.now ?? Date.now();
  return sandboxes.map((s) => [
    s.sandboxId,
    sanitize(s.name ?? s.templateId),
    s.state,
    opts.tty ? formatRelative(s.startedAt, now) : s.startedAt.toISOString(),
    s.state === 'paused' ? '-' : opts.tty ? formatRelative(s.endAt, now) : s.endAt.toISOString(),
    String(s.cpuCount),
    opts.tty ? `${s.memoryMB} MiB` : String(s.memoryMB),
    formatMetadata(s.metadata),
  ]);
}

/** Detail pairs of one sandbox. */
export function sandboxDetails(s: SandboxInfo, opts: { tty: boolean; now?: number }): Array<[string, string]> {
  const now = opts.now ?? Date.now();
  const time = (d: Date) => (opts.tty ? `${d.toISOString()} (${formatRelative(d, now)})` : d.toISOString());
  const pairs: Array<[string, string]> = [
    ['id', s.sandboxId],
    ['template', `${sanitize(s.name ?? '')}${s.name ? ' ' : ''}(${s.templateId})`],
    ['state', s.state],
    ['started', time(s.startedAt)],
    ['ends', s.state === 'paused' ? '- (paused)' : time(s.endAt)],
    ['cpu', String(s.cpuCount)],
    ['memory', `${s.memoryMB} MiB`],
    ['disk', `${s.diskSizeMB} MiB`],
    ['envd', s.envdVersion],
    ['metadata', formatMetadata(s.metadata) || '-'],
  ];
  if (s.lifecycle) pairs.push(['on timeout', `${s.lifecycle.onTimeout}${s.lifecycle.autoResume ? ' (auto-resume)' : ''}`]);
  if (s.allowInternetAccess !== undefined) pairs.push(['internet', s.allowInternetAccess ? 'allowed' : 'blocked']);
  if (s.volumeMounts?.length) pairs.push(['volumes', s.volumeMounts.map((m) => `${sanitize(m.name)}:${sanitize(m.path)}`).join(', ')]);
  return pairs;
}
