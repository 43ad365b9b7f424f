import { Command, Option, type CommandUnknownOpts } from '@commander-js/extra-typings';
import type { Context } from '../../context.js';
import { printJson } from '../../output.js';
import { localPaths } from './shared.js';

export interface EnvOptions {
  shell: 'sh' | 'fish' | 'powershell' | 'dotenv';
}

/** Quotes a value for the chosen shell. */
export function envLines(vars: Record<string, string>, shell: EnvOptions['shell']): string {
  const entries = Object.entries(vars);
  switch (shell) {
    case 'fish':
      return entries.map(([k, v]) => `set -gx ${k} '${v.replace(/[\\']/g, '\\$&')}';\n`).join('');
    case 'powershell':
      return entries.map(([k, v]) => `$env:${k} = '${v.replace(/'/g, "''")}'\n`).join('');
    case 'dotenv':
      return entries.map(([k, v]) => `${k}=${v}\n`).join('');
    default:
      return entries.map(([k, v]) => `export ${k}='${v.replace(/'/g, `'\\''`)}'\n`).join('');
  }
}

export function envCommand(ctx: Context, run = runEnv): CommandUnknownOpts {
  return new Command('env')
    .description('Print the environment that points E2B SDKs and tools at the local backend (starts it if needed)')
    .addOption(new Option('--shell <shell>', 'output syntax').choices(['sh', 'fish', 'powershell', 'dotenv']).default('sh'))
    .addHelpText(
      'after',
      `
Examples:
  $ eval "$(e2b-ts local env)"      # then: python -c 'from e2b import Sandbox; Sandbox.create()'
  $ e2b-ts local env --shell fish | source`,
    )
    .action(async (o) => run({ shell: o.shell }, ctx));
}

export async function runEnv(opts: EnvOptions, ctx: Context): Promise<void> {
  const { ensureDaemon } = await import('../../../local/control.js');
  const daemon = await ensureDaemon(await localPaths(ctx));
  // the official SDK sends volume-content requests to E2B_VOLUME_API_URL (else api.<domain>)
  const vars = { E2B_API_URL: daemon.url, E2B_SANDBOX_URL: daemon.url, E2B_VOLUME_API_URL: daemon.url, E2B_API_KEY: daemon.apiKey };
  if (ctx.globals.json) printJson(ctx, vars);
  else ctx.io.stdout.write(envLines(vars, opts.shell));
}
