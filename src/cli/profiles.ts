/**
 * Named credential profiles from the user's config file (`$XDG_CONFIG_HOME/e2b-ts/config.json`,
 * or `E2B_TS_CONFIG_DIR`). The file may hold secrets, so it is read only when it is private
 * (0600), and written only as a private file (0600 in a 0700 folder), atomically.
 *
 * `auth login` writes it; people may write it by hand too. A profile whose secrets went to the OS
 * keychain says so with `"secretsIn": "keychain"` and holds no secret itself.
 */
import { chmodSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { UsageError } from './errors.js';

export interface Profile {
  apiKey?: string;
  accessToken?: string;
  domain?: string;
  apiUrl?: string;
  /** Who signed in, for `auth status` and `auth profiles` (not a credential). */
  email?: string;
  teamName?: string;
  teamId?: string;
  /** `keychain`: apiKey/accessToken are in the OS keychain (service e2b-ts, account = profile name). */
  secretsIn?: 'keychain';
}

/** A profile as read, with where it came from (`profile "work" in /home/me/.config/e2b-ts/config.json`). */
export interface LoadedProfile extends Profile {
  name: string;
  path: string;
  source: string;
  /** Named by --profile or E2B_TS_PROFILE, rather than the file's default. */
  explicit: boolean;
}

export interface ConfigFile {
  defaultProfile?: string;
  profiles?: Record<string, Profile>;
}

type Env = Record<string, string | undefined>;

export function configDir(env: Env): string {
  if (env.E2B_TS_CONFIG_DIR) return env.E2B_TS_CONFIG_DIR;
  if (env.XDG_CONFIG_HOME) return join(env.XDG_CONFIG_HOME, 'e2b-ts');
  if (process.platform === 'win32' && env.APPDATA) return join(env.APPDATA, 'e2b-ts');
  return join(homedir(), '.config', 'e2b-ts');
}

const PROFILE_FIELDS = ['apiKey', 'accessToken', 'domain', 'apiUrl', 'email', 'teamName', 'teamId'] as const;
/** The fields that are secrets: never in the file of a profile whose secrets are in the keychain. */
export const SECRET_FIELDS = ['apiKey', 'accessToken'] as const;

function typeName(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The file's content, checked field by field: a hand-edited file with `"apiKey": 123` is a
 * configuration error naming the field, not a crash deep in the client. Unknown fields are
 * left alone (a newer version may have written them).
 */
function checkConfig(value: unknown, path: string): ConfigFile {
  const bad = (field: string, expected: string, got: unknown, fix = 'fix it or remove the field') =>
    new UsageError(`${path}: ${field} must be ${expected}, not ${typeName(got)}; ${fix}`);
  if (!isObject(value)) throw bad('the top level', 'a JSON object ({"profiles": {...}})', value, 'fix the file or remove it');
  const config: ConfigFile = {};
  if (value.defaultProfile !== undefined) {
    if (typeof value.defaultProfile !== 'string') throw bad('"defaultProfile"', 'a string', value.defaultProfile);
    config.defaultProfile = value.defaultProfile;
  }
  if (value.profiles !== undefined) {
    if (!isObject(value.profiles)) throw bad('"profiles"', 'an object of named profiles', value.profiles);
    config.profiles = {};
    for (const [name, raw] of Object.entries(value.profiles)) {
      const where = `profile ${JSON.stringify(name)}`;
      if (!isObject(raw)) throw bad(where, 'an object', raw);
      const profile: Profile = {};
      for (const field of PROFILE_FIELDS) {
        const v = raw[field];
        if (v === undefined) continue;
        // the value itself is never shown: apiKey and accessToken are secrets
        if (typeof v !== 'string') throw bad(`"${field}" of ${where}`, 'a string', v);
        profile[field] = v;
      }
      if (raw.secretsIn !== undefined) {
        if (raw.secretsIn !== 'keychain') {
          const got = typeof raw.secretsIn === 'string' ? JSON.stringify(raw.secretsIn) : typeName(raw.secretsIn);
          throw new UsageError(`${path}: "secretsIn" of ${where} must be "keychain", not ${got}; fix it or remove the field`);
        }
        // one place per secret: a key in the file beside a keychain entry would leave it unclear which one is used
        const inFile = SECRET_FIELDS.find((f) => profile[f] !== undefined);
        if (inFile)
          throw new UsageError(`${path}: ${where} keeps its secrets in the keychain ("secretsIn") but also has "${inFile}" in the file; remove one of them`);
        profile.secretsIn = 'keychain';
      }
      config.profiles[name] = profile;
    }
  }
  return config;
}

/** The config file's path. */
export function configPath(env: Env): string {
  return join(configDir(env), 'config.json');
}

/** The file's checked content and its raw JSON (kept whole when the file is rewritten), or undefined when absent. */
function readConfigFile(env: Env): { config: ConfigFile; raw: Record<string, unknown> } | undefined {
  const path = configPath(env);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new UsageError(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  if (process.platform !== 'win32' && (statSync(path).mode & 0o077) !== 0) {
    throw new UsageError(`${path} holds credentials but is readable by others; run: chmod 600 ${path}`);
  }
  let parsed: unknown;
  try {
    // Windows editors may start the file with a byte order mark, which JSON.parse refuses.
    parsed = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    // JSON.parse's own message may quote the text, and the file holds secrets: say where instead.
    throw new UsageError(`${path} is not valid JSON${jsonErrorPlace(text, error)}; fix it or remove it`);
  }
  return { config: checkConfig(parsed, path), raw: parsed as Record<string, unknown> };
}

/** The checked content of the config file, or undefined when there is none. */
export function readConfig(env: Env): ConfigFile | undefined {
  return readConfigFile(env)?.config;
}

/** Where JSON.parse stopped, as " (line L, column C)" when V8 says its position; "" otherwise. */
function jsonErrorPlace(text: string, error: unknown): string {
  if (text.trim() === '') return ' (the file is empty)';
  const position = /at position (\d+)/.exec(error instanceof Error ? error.message : '')?.[1];
  if (position === undefined) return '';
  const before = text
    .replace(/^\uFEFF/, '')
    .slice(0, Number(position))
    .split('\n');
  return ` (line ${before.length}, column ${before[before.length - 1]!.length + 1})`;
}

/** The name of the profile a command uses: --profile, else E2B_TS_PROFILE, else the file's default. */
export function wantedProfile(name: string | undefined, env: Env, config: ConfigFile | undefined): { name: string; explicit: boolean } | undefined {
  const explicit = name ?? (env.E2B_TS_PROFILE || undefined);
  if (explicit) return { name: explicit, explicit: true };
  return config?.defaultProfile ? { name: config.defaultProfile, explicit: false } : undefined;
}

/** "no profile named x (known: a, b)": a usage error. */
export function noSuchProfile(name: string, config: ConfigFile | undefined): UsageError {
  const known = Object.keys(config?.profiles ?? {});
  return new UsageError(`no profile named "${name}"${known.length ? ` (known: ${known.join(', ')})` : ' (no profiles are configured)'}`);
}

/**
 * The profile to use: the named one (--profile or E2B_TS_PROFILE; an error when missing), else
 * the file's default (none when it names a profile that is gone), else none.
 */
export function loadProfile(name: string | undefined, env: Env): LoadedProfile | undefined {
  const config = readConfig(env);
  const wanted = wantedProfile(name, env, config);
  if (!wanted) return undefined;
  const profile = config?.profiles?.[wanted.name];
  if (!profile && wanted.explicit) throw noSuchProfile(wanted.name, config);
  const path = configPath(env);
  return profile && { ...profile, name: wanted.name, path, explicit: wanted.explicit, source: `profile ${JSON.stringify(wanted.name)} in ${path}` };
}

/** Every profile in the file, in the file's order, with the default's name. */
export function listProfiles(env: Env): { path: string; defaultProfile?: string; profiles: Array<[string, Profile]> } {
  const config = readConfig(env);
  return {
    path: configPath(env),
    ...(config?.defaultProfile ? { defaultProfile: config.defaultProfile } : {}),
    profiles: Object.entries(config?.profiles ?? {}),
  };
}

/** What a profile name may be: it names a keychain entry and appears in messages. */
const PROFILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** Checks a profile name for a profile about to be written. */
export function checkProfileName(name: string): string {
  if (!PROFILE_NAME.test(name)) {
    throw new UsageError(`invalid profile name ${JSON.stringify(name)}: use letters, digits, ".", "_" and "-" (at most 64, starting with a letter or digit)`);
  }
  return name;
}

/** The raw JSON of the file, as the change function sees it. */
export interface RawConfig {
  defaultProfile?: string;
  profiles?: Record<string, Record<string, unknown>>;
  [field: string]: unknown;
}

/**
 * Changes the config file: reads it (checked, as for use), lets `change` edit its raw JSON,
 * and writes it back atomically as a private file. Fields this version does not know are kept.
 * A file readable by others is refused, as when reading: its secrets may already be exposed.
 */
export function updateConfig<T>(env: Env, change: (raw: RawConfig) => T): T {
  const path = configPath(env);
  const raw = (readConfigFile(env)?.raw ?? {}) as RawConfig;
  const result = change(raw);
  writePrivateJson(path, raw);
  return result;
}

/**
 * Writes JSON to `path` as 0600 (its folder 0700 when created) through a temporary file in the
 * same folder and a rename, so a reader never sees half a file and a crash never leaves one.
 */
function writePrivateJson(path: string, value: unknown): void {
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const temp = join(dir, `.config.json.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    // 'wx' with mode 0600: the file is private from its first byte (the umask can only narrow it)
    writeFileSync(temp, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
    if (process.platform !== 'win32') chmodSync(temp, 0o600);
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw new UsageError(`cannot write ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}
