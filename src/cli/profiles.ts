/**
 * Named credential profiles from the user's config file (`$XDG_CONFIG_HOME/e2b-ts/config.json`,
 * or `E2B_TS_CONFIG_DIR`). The file holds secrets, so it is read only when it is private (0600).
 */
import { readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from './errors.js';

export interface Profile {
  apiKey?: string;
  accessToken?: string;
  domain?: string;
  apiUrl?: string;
}

/** A profile as read, with where it came from (`profile "work" in /home/me/.config/e2b-ts/config.json`). */
export interface LoadedProfile extends Profile {
  source: string;
}

interface ConfigFile {
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

const PROFILE_FIELDS: ReadonlyArray<keyof Profile> = ['apiKey', 'accessToken', 'domain', 'apiUrl'];

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
      config.profiles[name] = profile;
    }
  }
  return config;
}

function configPath(env: Env): string {
  return join(configDir(env), 'config.json');
}

function readConfig(env: Env): ConfigFile | undefined {
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
  return checkConfig(parsed, path);
}

/** Where JSON.parse stopped, as " (line L, column C)" when V8 says its position; "" otherwise. */
function jsonErrorPlace(text: string, error: unknown): string {
  if (text.trim() === '') return ' (the file is empty)';
  const position = /at position (\d+)/.exec(error instanceof Error ? error.message : '')?.[1];
  if (position === undefined) return '';
  const before = text.replace(/^\uFEFF/, '').slice(0, Number(position)).split('\n');
  return ` (line ${before.length}, column ${before[before.length - 1]!.length + 1})`;
}

/**
 * The profile to use: the named one (an error when missing), else the file's default, else none.
 */
export function loadProfile(name: string | undefined, env: Env): LoadedProfile | undefined {
  const config = readConfig(env);
  const wanted = name ?? env.E2B_TS_PROFILE ?? config?.defaultProfile;
  if (!wanted) return undefined;
  const profile = config?.profiles?.[wanted];
  if (!profile && name) {
    const known = Object.keys(config?.profiles ?? {});
    throw new UsageError(`no profile named "${name}"${known.length ? ` (known: ${known.join(', ')})` : ' (no profiles are configured)'}`);
  }
  return profile && { ...profile, source: `profile ${JSON.stringify(wanted)} in ${configPath(env)}` };
}
