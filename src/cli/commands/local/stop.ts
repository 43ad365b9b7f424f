import { Command, type CommandUnknownOpts } from '@commander-js/extra-typings';
import type { Context } from '../../context.js';
import { printJson, success } from '../../output.js';
import { localPaths } from './shared.js';

export function stopCommand(ctx: Context, run = runStop): CommandUnknownOpts {
  return new Command('stop').description('Stop the local backend (running sandboxes are paused; their files are kept)').action(async () => run({}, ctx));
}

export async function runStop(_opts: Record<string, never>, ctx: Context): Promise<void> {
  const { stopDaemon } = await import('../../../local/control.js');
  const stopped = await stopDaemon(await localPaths(ctx));
  if (ctx.globals.json) printJson(ctx, { stopped });
  else if (stopped) success(ctx, 'Stopped the local backend');
  else ctx.note('The local backend was not running.');
}
