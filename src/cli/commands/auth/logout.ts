import { Command, type CommandUnknownOpts } from '@commander-js/extra-typings';
import type { Context } from '../../context.js';
import { officialFrom } from '../../credentials.js';
import { readOfficialConfig } from '../../official-config.js';
import { configPath, noSuchProfile, readConfig, updateConfig, wantedProfile } from '../../profiles.js';
import { dropSignIn, forgetKeychainEntry, refuseLocal, tell } from './shared.js';

export type LogoutOptions = Record<string, never>;

export function logoutCommand(ctx: Context, run = runLogout): CommandUnknownOpts {
  return new Command('logout')
    .description("Forget a profile's key (the default profile, or --profile NAME); its domain and API URL stay")
    .addHelpText(
      'after',
      `
The key is removed from the OS keychain or the config file. Keys from E2B_API_KEY or the
official e2b CLI's sign-in are not e2b-ts's to remove: unset the variable, or run e2b auth logout.

Examples:
  $ e2b-ts auth logout
  $ e2b-ts auth logout --profile work`,
    )
    .action(async () => run({}, ctx));
}

export async function runLogout(_opts: LogoutOptions, ctx: Context): Promise<void> {
  refuseLocal(ctx, 'logout');
  const config = readConfig(ctx.env);
  const wanted = wantedProfile(ctx.globals.profile, ctx.env, config);
  const profile = wanted && config?.profiles?.[wanted.name];
  if (wanted?.explicit && !profile) throw noSuchProfile(wanted.name, config);
  if (!wanted || !profile || (!profile.secretsIn && !profile.apiKey && !profile.accessToken)) {
    tell(
      ctx,
      wanted && profile ? `Profile "${wanted.name}" holds no key; nothing to sign out of.` : 'Not signed in with e2b-ts (no profile); nothing to sign out of.',
    );
    hintOthers(ctx);
    return;
  }
  const name = wanted.name;
  let where = configPath(ctx.env);
  if (profile.secretsIn === 'keychain') {
    // strict: a key left in the keychain while the file forgets it would never be found again
    await forgetKeychainEntry(ctx, name, { strict: true });
    where = 'the OS keychain';
  }
  const removed = updateConfig(ctx.env, (raw) => dropSignIn(raw, name));
  tell(ctx, `✓ Signed out of profile "${name}": its key was removed from ${where}${removed ? ' (the profile had nothing else and is gone)' : ''}`);
  hintOthers(ctx);
}

/** Says which keys still work after a logout, and that e2b-ts leaves them alone. */
function hintOthers(ctx: Context): void {
  if (ctx.env.E2B_API_KEY?.trim()) tell(ctx, 'E2B_API_KEY is still set in the environment, and commands use it.');
  const official = readOfficialConfig(ctx.env);
  if (official.status === 'ok') tell(ctx, `Still signed in through ${officialFrom(official.path)}, which e2b-ts never changes; run: e2b auth logout`);
}
