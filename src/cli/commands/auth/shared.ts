/**
 * What the auth verbs share: storing a profile's key (keychain or file), forgetting it, and the
 * one API call that tells whether a key works.
 */
import type { ConnectionOptions } from '../../../client/config.js';
import type { Context } from '../../context.js';
import { isLocal } from '../../context.js';
import { UsageError } from '../../errors.js';
import { keychainMode, KeychainUnavailableError, type ProfileSecrets } from '../../keychain.js';
import { configPath, SECRET_FIELDS, updateConfig, type Profile, type RawConfig } from '../../profiles.js';
import { escapeControls } from '../../render/sanitize.js';

/** Fields a sign-in writes besides the secret; a new sign-in replaces all of them. */
const IDENTITY_FIELDS = ['email', 'teamName', 'teamId'] as const;

/** Where a profile's key went. */
export interface Stored {
  secretsIn: 'keychain' | 'file';
  /** For people: "the OS keychain (Secret Service)" or the file's path. */
  where: string;
  /** Whether the profile is now the default one. */
  isDefault: boolean;
}

/** Refuses what the auth verbs cannot use: the local backend needs no sign-in. */
export function refuseLocal(ctx: Context, verb: string): void {
  if (isLocal(ctx)) throw new UsageError(`auth ${verb} is for E2B accounts; the local backend (--local, E2B_TS_LOCAL) needs no sign-in`);
}

/**
 * Stores a signed-in profile: the secrets in the OS keychain when it can be used (per
 * E2B_TS_KEYRING), else in the 0600 config file, and the rest in the file. The profile's
 * earlier secrets, team and email are replaced; its domain and API URL are set from `settings`.
 * It becomes the default profile when there is none yet.
 */
export async function storeProfile(ctx: Context, name: string, secrets: ProfileSecrets, settings: Partial<Profile>): Promise<Stored> {
  const mode = keychainMode(ctx.env);
  const path = configPath(ctx.env);
  let keychainLabel: string | undefined;
  if (mode !== 'off') {
    try {
      const keychain = await ctx.keychain();
      await keychain.set(name, secrets);
      keychainLabel = keychain.label;
    } catch (error) {
      if (!(error instanceof KeychainUnavailableError)) throw error;
      if (mode === 'on') throw new KeychainUnavailableError(`${error.message}; nothing was stored (E2B_TS_KEYRING=on requires the keychain)`);
      ctx.warn(`${error.message}; the key goes to ${path} (mode 0600) instead (E2B_TS_KEYRING=off skips the keychain)`);
    }
  }
  let hadKeychainEntry = false;
  const isDefault = updateConfig(ctx.env, (raw) => {
    raw.profiles ??= {};
    const profiles = raw.profiles;
    const profile = profiles[name] ?? {};
    hadKeychainEntry = profile.secretsIn === 'keychain';
    for (const field of [...SECRET_FIELDS, ...IDENTITY_FIELDS, 'secretsIn']) delete profile[field];
    for (const [field, value] of Object.entries(settings)) if (value !== undefined) profile[field] = value;
    if (keychainLabel) profile.secretsIn = 'keychain';
    else Object.assign(profile, secrets);
    profiles[name] = profile;
    if (!raw.defaultProfile || !profiles[raw.defaultProfile]) raw.defaultProfile = name;
    return raw.defaultProfile === name;
  });
  // An entry from an earlier sign-in must not outlive the file's newer key.
  if (!keychainLabel && hadKeychainEntry) await forgetKeychainEntry(ctx, name, { strict: false });
  return keychainLabel ? { secretsIn: 'keychain', where: keychainLabel, isDefault } : { secretsIn: 'file', where: path, isDefault };
}

/**
 * Removes a profile's keychain entry. With `strict`, a keychain that cannot be used is an error
 * (the secret would stay behind unseen); otherwise a warning.
 */
export async function forgetKeychainEntry(ctx: Context, name: string, opts: { strict: boolean }): Promise<boolean> {
  const left = `the keychain entry e2b-ts/${name} may remain (remove it with your keychain's own tool)`;
  if (keychainMode(ctx.env) === 'off') {
    ctx.warn(`E2B_TS_KEYRING=off: ${left}`);
    return false;
  }
  try {
    return await (await ctx.keychain()).delete(name);
  } catch (error) {
    if (!(error instanceof KeychainUnavailableError)) throw error;
    if (opts.strict) throw new KeychainUnavailableError(`${error.message}; nothing was changed (E2B_TS_KEYRING=off forgets the profile's file part only)`);
    ctx.warn(`${error.message}: ${left}`);
    return false;
  }
}

/** Removes a profile's sign-in from the raw file (secrets, team, email); true when the profile is left empty and was removed. */
export function dropSignIn(raw: RawConfig, name: string): boolean {
  const profile = raw.profiles?.[name];
  if (!profile) return false;
  for (const field of [...SECRET_FIELDS, ...IDENTITY_FIELDS, 'secretsIn']) delete profile[field];
  if (Object.keys(profile).length > 0) return false;
  dropProfile(raw, name);
  return true;
}

/** Removes a profile from the raw file, and the default when it named it. */
export function dropProfile(raw: RawConfig, name: string): void {
  if (raw.profiles) delete raw.profiles[name];
  if (raw.defaultProfile === name) delete raw.defaultProfile;
}

/**
 * The one call that tells whether a key works: the first page of sandboxes, one entry long.
 * Throws the library's error (AuthenticationError for a refused key).
 */
export async function checkKey(ctx: Context, connection: ConnectionOptions): Promise<void> {
  const { Sandbox } = await ctx.client();
  await Sandbox.list({ ...connection, limit: 1 }).nextItems({ signal: ctx.signal });
}

/** One line for people on stderr, whether or not it is a terminal (a sign-in in CI logs says what it did). */
export function tell(ctx: Context, line: string): void {
  ctx.io.stderr.write(`${escapeControls(line)}\n`);
}
