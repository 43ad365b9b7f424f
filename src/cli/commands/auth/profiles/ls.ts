import { Command, type CommandUnknownOpts } from '@commander-js/extra-typings';
import type { Context } from '../../../context.js';
import { printJson, printTable } from '../../../output.js';
import { listProfiles, type Profile } from '../../../profiles.js';
import { sanitize } from '../../../render/sanitize.js';

export type ProfilesLsOptions = Record<string, never>;

/** A profile as `auth profiles ls --json` prints it: no secrets, only where they are. */
export interface ProfileEntry {
  name: string;
  default: boolean;
  /** Where its key is: the OS keychain, the config file, or nowhere (signed out). */
  secretsIn: 'keychain' | 'file' | null;
  email?: string;
  teamName?: string;
  teamId?: string;
  domain?: string;
  apiUrl?: string;
}

export function profileEntry(name: string, profile: Profile, defaultProfile: string | undefined): ProfileEntry {
  const entry: ProfileEntry = {
    name,
    default: name === defaultProfile,
    secretsIn: profile.secretsIn === 'keychain' ? 'keychain' : profile.apiKey || profile.accessToken ? 'file' : null,
  };
  for (const field of ['email', 'teamName', 'teamId', 'domain', 'apiUrl'] as const) if (profile[field] !== undefined) entry[field] = profile[field];
  return entry;
}

export function profilesLsCommand(ctx: Context, run = runProfilesLs): CommandUnknownOpts {
  return new Command('ls')
    .alias('list')
    .description('List the profiles of the config file (* marks the default); no secrets are shown or read')
    .action(async () => run({}, ctx));
}

export async function runProfilesLs(_opts: ProfilesLsOptions, ctx: Context): Promise<void> {
  const { profiles, defaultProfile, path } = listProfiles(ctx.env);
  const entries = profiles.map(([name, profile]) => profileEntry(name, profile, defaultProfile));
  if (ctx.globals.json) return printJson(ctx, entries);
  if (entries.length === 0) {
    ctx.note(`No profiles in ${path}; e2b-ts auth login makes one.`);
    return;
  }
  printTable(
    ctx,
    ['', 'NAME', 'TEAM', 'EMAIL', 'ENDPOINT', 'KEY'],
    entries.map((e) => [
      e.default ? '*' : '',
      sanitize(e.name),
      sanitize(e.teamName ?? ''),
      sanitize(e.email ?? ''),
      sanitize(e.apiUrl ?? e.domain ?? 'e2b.app'),
      e.secretsIn ?? 'none',
    ]),
  );
}
