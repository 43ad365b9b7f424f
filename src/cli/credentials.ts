/**
 * Which credentials a command uses, and where each came from. One order for every setting, as
 * the README states: a flag, then the environment, then the profile named by `--profile` (or
 * `E2B_TS_PROFILE`), then the config file's default profile, then, for the key only, the official
 * E2B CLI's sign-in (`~/.e2b/config.json`). `auth status` shows the result; `resolveConnection`
 * builds the client's options from it.
 */
import type { GlobalOptions } from './context.js';
import { keychainMode, KeychainUnavailableError, type ProfileSecrets, type SecretStore } from './keychain.js';
import { readOfficialConfig, type OfficialConfig } from './official-config.js';
import { loadProfile, type LoadedProfile } from './profiles.js';

type Env = Record<string, string | undefined>;

/** Where a setting came from. */
export type SourceKind = 'flag' | 'env' | 'profile' | 'keychain' | 'official' | 'default' | 'local';

export interface Setting {
  value: string;
  kind: SourceKind;
  /** For people: `--api-key`, `E2B_API_KEY`, `profile "work" in the OS keychain`, ... */
  from: string;
  /** For error messages about the value: `--domain`, `"domain" of profile "w" in /path`. */
  what: string;
}

/** Who a key belongs to, as recorded at sign-in (a profile's or the official CLI's). */
export interface Identity {
  email?: string;
  teamName?: string;
  teamId?: string;
}

export interface Credentials {
  apiKey?: Setting;
  accessToken?: Setting;
  domain?: Setting;
  apiUrl?: Setting;
  /** The profile in use, if any. */
  profile?: LoadedProfile;
  identity?: Identity;
  official: OfficialConfig;
  /** Keys found in places that lost to an earlier one (only with `all`). */
  shadowed: Setting[];
  /** Why a place that should give a key did not (never a secret). */
  problems: string[];
}

export interface CredentialDeps {
  /** The OS keychain; rejects with KeychainUnavailableError when it cannot be used. */
  keychain(): Promise<SecretStore>;
}

type Globals = Pick<GlobalOptions, 'apiKey' | 'domain' | 'apiUrl' | 'profile'>;

const nonEmpty = (v: string | undefined): string | undefined => (v === undefined || v.trim() === '' ? undefined : v.trim());

/** The official CLI's sign-in, as a source name. */
export function officialFrom(path: string): string {
  return `the official e2b CLI's sign-in (${path})`;
}

/**
 * Resolves every setting. Sources are read lazily: the keychain only when the profile's key is
 * needed, the official config only when nothing else gave a key. With `all`, every source is
 * read, so `auth status` can list the keys that lost as well.
 */
export async function resolveCredentials(globals: Globals, env: Env, deps: CredentialDeps, opts: { all?: boolean } = {}): Promise<Credentials> {
  keychainMode(env); // a bad E2B_TS_KEYRING is a usage error whether or not this run needs the keychain
  const profile = loadProfile(globals.profile, env);
  const creds: Credentials = { official: { status: 'absent', path: '' }, shadowed: [], problems: [] };
  if (profile) creds.profile = profile;
  const candidates: Setting[] = [];
  const tokens: Setting[] = [];

  const flagKey = nonEmpty(globals.apiKey);
  if (flagKey) candidates.push({ value: flagKey, kind: 'flag', from: '--api-key', what: '--api-key' });
  const envKey = nonEmpty(env.E2B_API_KEY);
  if (envKey) candidates.push({ value: envKey, kind: 'env', from: 'E2B_API_KEY', what: 'E2B_API_KEY' });
  const envToken = nonEmpty(env.E2B_ACCESS_TOKEN);
  if (envToken) tokens.push({ value: envToken, kind: 'env', from: 'E2B_ACCESS_TOKEN', what: 'E2B_ACCESS_TOKEN' });

  if (profile) {
    const named = `profile ${JSON.stringify(profile.name)}`;
    let secrets: ProfileSecrets = {};
    let kind: SourceKind = 'profile';
    let from = `${named} in ${profile.path}`;
    if (profile.secretsIn === 'keychain') {
      kind = 'keychain';
      from = `${named} in the OS keychain`;
      // read only when its key is needed: a D-Bus round trip is not paid when a flag or the environment gives the key
      if (opts.all || candidates.length === 0) secrets = (await readKeychain(profile, env, deps, creds)) ?? {};
    } else {
      if (profile.apiKey) secrets.apiKey = profile.apiKey;
      if (profile.accessToken) secrets.accessToken = profile.accessToken;
    }
    const key = nonEmpty(secrets.apiKey);
    if (key) candidates.push({ value: key, kind, from, what: `"apiKey" of ${profile.source}` });
    else if (profile.explicit && candidates.length === 0 && profile.secretsIn !== 'keychain') {
      creds.problems.push(`${named} holds no API key; run: e2b-ts auth login --profile ${profile.name}`);
    }
    const token = nonEmpty(secrets.accessToken);
    if (token) tokens.push({ value: token, kind, from, what: `"accessToken" of ${profile.source}` });
  }

  // The official sign-in is the last resort, never used instead of a profile named on purpose.
  const explicitWithoutKey = profile?.explicit === true && !candidates.some((c) => c.kind === 'profile' || c.kind === 'keychain');
  if (opts.all || (candidates.length === 0 && !explicitWithoutKey)) {
    creds.official = readOfficialConfig(env);
    if (creds.official.status === 'ok') {
      const o = creds.official.credentials;
      const from = officialFrom(o.path);
      const officialKey: Setting = { value: o.apiKey, kind: 'official', from, what: `"projectApiKey" of ${o.path}` };
      if (explicitWithoutKey) creds.shadowed.push(officialKey);
      else {
        candidates.push(officialKey);
        // its token belongs with its key: used only when its key is
        if (o.accessToken && candidates[0] === officialKey)
          tokens.push({ value: o.accessToken, kind: 'official', from, what: `"tokens.access_token" of ${o.path}` });
      }
    }
  }

  const [apiKey, ...others] = candidates;
  if (apiKey) creds.apiKey = apiKey;
  creds.shadowed.push(...others);
  if (tokens[0]) creds.accessToken = tokens[0];

  const identity =
    apiKey?.kind === 'profile' || apiKey?.kind === 'keychain'
      ? identityOf(profile!)
      : apiKey?.kind === 'official' && creds.official.status === 'ok'
        ? identityOf(creds.official.credentials)
        : undefined;
  if (identity) creds.identity = identity;

  const setting = (flag: string | undefined, flagName: string, envName: string, field: 'domain' | 'apiUrl'): Setting | undefined => {
    const f = nonEmpty(flag);
    if (f) return { value: f, kind: 'flag', from: flagName, what: flagName };
    const e = nonEmpty(env[envName]);
    if (e) return { value: e, kind: 'env', from: envName, what: envName };
    const p = nonEmpty(profile?.[field]);
    if (p) return { value: p, kind: 'profile', from: profile!.source, what: `"${field}" of ${profile!.source}` };
    return undefined;
  };
  const domain = setting(globals.domain, '--domain', 'E2B_DOMAIN', 'domain');
  const apiUrl = setting(globals.apiUrl, '--api-url', 'E2B_API_URL', 'apiUrl');
  if (domain) creds.domain = domain;
  if (apiUrl) creds.apiUrl = apiUrl;
  return creds;
}

function identityOf(source: Identity): Identity | undefined {
  const identity: Identity = {};
  if (source.email) identity.email = source.email;
  if (source.teamName) identity.teamName = source.teamName;
  if (source.teamId) identity.teamId = source.teamId;
  return Object.keys(identity).length ? identity : undefined;
}

async function readKeychain(profile: LoadedProfile, env: Env, deps: CredentialDeps, creds: Credentials): Promise<ProfileSecrets | undefined> {
  const named = `profile ${JSON.stringify(profile.name)}`;
  if (keychainMode(env) === 'off') {
    creds.problems.push(`the key of ${named} is in the OS keychain, which E2B_TS_KEYRING=off keeps closed`);
    return undefined;
  }
  try {
    const secrets = await (await deps.keychain()).get(profile.name);
    if (!secrets?.apiKey && !secrets?.accessToken) {
      creds.problems.push(
        `${named} keeps its key in the OS keychain, but the keychain has no entry for it (removed?); run: e2b-ts auth login --profile ${profile.name}`,
      );
    }
    return secrets;
  } catch (error) {
    if (!(error instanceof KeychainUnavailableError)) throw error;
    creds.problems.push(`the key of ${named} is in the OS keychain, which cannot be read: ${error.message}`);
    return undefined;
  }
}

/**
 * A secret as people may see it: its kind prefix and last four characters (`e2b_…a1b2`), as
 * dashboards show keys; shorter secrets keep only the prefix.
 */
export function maskSecret(secret: string): string {
  const prefix = /^(sk_e2b_|e2b_)/.exec(secret)?.[1] ?? '';
  const rest = secret.slice(prefix.length);
  return rest.length >= 12 ? `${prefix}…${rest.slice(-4)}` : `${prefix}…`;
}
