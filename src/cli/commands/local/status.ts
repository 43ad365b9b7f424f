import { Command, type CommandUnknownOpts } from '@commander-js/extra-typings';
import { API_KEY_HEADER } from '../../../protocol/envd.js';
import type { Context } from '../../context.js';
import { SilentError } from '../../errors.js';
import { ExitCode } from '../../exit-codes.js';
import { printDetails, printJson } from '../../output.js';
import { localPaths } from './shared.js';

export function statusCommand(ctx: Context, run = runStatus): CommandUnknownOpts {
  return new Command('status')
    .description('Show whether the local backend runs, where, how it isolates sandboxes and which limits it enforces (exit 3 when stopped)')
    .action(async () => run({}, ctx));
}

async function daemonStatus(url: string, apiKey: string): Promise<Record<string, unknown>> {
  const { request } = await import('node:http');
  return new Promise((resolve, reject) => {
    const req = request(`${url}/_e2b-ts/status`, { headers: { [API_KEY_HEADER]: apiKey }, timeout: 5000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        try {
          resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>);
        } catch (error) {
          reject(error);
        }
      });
    });
    req.on('timeout', () => req.destroy(new Error('the local backend did not answer')));
    req.on('error', reject);
    req.end();
  });
}

export async function runStatus(_opts: Record<string, never>, ctx: Context): Promise<void> {
  const paths = await localPaths(ctx);
  const { findDaemon } = await import('../../../local/control.js');
  const daemon = await findDaemon(paths);
  if (!daemon) {
    if (ctx.globals.json) printJson(ctx, { running: false, stateDir: paths.root });
    else ctx.io.stderr.write('The local backend is not running (start it with `e2b-ts local start`).\n');
    throw new SilentError(ExitCode.NOT_FOUND);
  }
  const status = await daemonStatus(daemon.url, daemon.apiKey);
  const sandboxes = (status.sandboxes ?? {}) as { running?: number; paused?: number };
  const limits = Array.isArray(status.limits) ? (status.limits as LimitRow[]) : [];
  if (ctx.globals.json) {
    printJson(ctx, { running: true, url: daemon.url, pid: daemon.pid, port: daemon.port, stateDir: paths.root, ...status });
    return;
  }
  printDetails(ctx, [
    ['status', 'running'],
    ['url', daemon.url],
    ['pid', String(daemon.pid)],
    ['version', String(status.version ?? daemon.version)],
    ['runtime', String(status.runtimeDescription ?? daemon.runtime)],
    // how sandboxes' process trees are found, killed and paused (/proc, or ps where there is none)
    ...(typeof status.processes === 'string' ? [['processes', status.processes] as [string, string]] : []),
    ['sandboxes', `${sandboxes.running ?? 0} running, ${sandboxes.paused ?? 0} paused`],
    ...limits.map((l): [string, string] => [`${l.kind} limit`, l.enforced ? `enforced: ${l.detail}` : `NOT enforced: ${l.detail}`]),
    ['state', paths.root],
  ]);
  if (status.isolated === false) ctx.warn('sandboxes are NOT isolated on this machine (bubblewrap is unavailable)');
  const off = limits.filter((l) => !l.enforced).map((l) => l.kind);
  if (off.length)
    ctx.warn(
      `this machine cannot enforce the sandboxes' ${off.join(', ')} limit${off.length > 1 ? 's' : ''}; sandboxes work without ${off.length > 1 ? 'them' : 'it'}`,
    );
}

/** One kind of sandbox limit as the daemon reports it (`limits` of its status). */
interface LimitRow {
  kind: string;
  enforced: boolean;
  detail: string;
}
