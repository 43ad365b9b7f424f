import { Command, type CommandUnknownOpts } from '@commander-js/extra-typings';
import type { Context } from '../../../context.js';
import { noSuchProfile, readConfig, updateConfig } from '../../../profiles.js';
import { dropProfile, forgetKeychainEntry, tell } from '../shared.js';

export interface ProfilesRmOptions {
  names: string[];
}

export function profilesRmCommand(ctx: Context, run = runProfilesRm): CommandUnknownOpts {
  return new Command('rm')
    .alias('remove')
    .description('Remove profiles: their settings, and their keys from the OS keychain or the config file')
    .argument('<name...>', 'profile names')
    .action(async (names: string[]) => run({ names }, ctx));
}

export async function runProfilesRm(opts: ProfilesRmOptions, ctx: Context): Promise<void> {
  const config = readConfig(ctx.env);
  // all names are checked before anything is removed: a typo changes nothing
  for (const name of opts.names) if (!config?.profiles?.[name]) throw noSuchProfile(name, config);
  for (const name of new Set(opts.names)) {
    if (config!.profiles![name]!.secretsIn === 'keychain') await forgetKeychainEntry(ctx, name, { strict: true });
    updateConfig(ctx.env, (raw) => dropProfile(raw, name));
    tell(ctx, `✓ Removed profile "${name}"`);
  }
}
