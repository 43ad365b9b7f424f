import { Command, type CommandUnknownOpts } from '@commander-js/extra-typings';
import type { Context } from '../../../context.js';
import { noSuchProfile, readConfig, updateConfig } from '../../../profiles.js';
import { tell } from '../shared.js';

export interface ProfilesUseOptions {
  name: string;
}

export function profilesUseCommand(ctx: Context, run = runProfilesUse): CommandUnknownOpts {
  return new Command('use')
    .description('Make a profile the default one (used when no --profile, E2B_TS_PROFILE, --api-key or E2B_API_KEY is given)')
    .argument('<name>', 'profile name')
    .action(async (name: string) => run({ name }, ctx));
}

export async function runProfilesUse(opts: ProfilesUseOptions, ctx: Context): Promise<void> {
  const config = readConfig(ctx.env);
  if (!config?.profiles?.[opts.name]) throw noSuchProfile(opts.name, config);
  updateConfig(ctx.env, (raw) => {
    raw.defaultProfile = opts.name;
  });
  tell(ctx, `✓ Profile "${opts.name}" is now the default`);
}
