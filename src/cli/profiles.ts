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

function readConfig(env: Env): ConfigFile | undefined {
  const path = join(configDir(env), 'config.json');
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  if (process.platform !== 'win32' && (statSync(path).mode & 0o077) !== 0) {
    throw new UsageError(`${path} holds credentials but is readable by others; run: chmod 600 ${path}`);
  }
  try {
    return JSON.parse(text) as ConfigFile;
  } catch {
    throw new UsageError(`${path} is not valid JSON`);
  }
}

/**
 * The profile to use: the named one (an error when missing), else the file's default, else none.
 */
export function loadProfile(name: string | undefined, env: Env): Profile | undefined {
  const config = readConfig(env);
  const wanted = name ?? env.E2B_TS_PROFILE ?? config?.defaultProfile;
  if (!wanted) return undefined;
  const profile = config?.profiles?.[wanted];
  if (!profile && name) {
    const known = Object.keys(config?.profiles ?? {});
    throw new UsageError(`no profile named "${name}"${known.length ? ` (known: ${known.join(', ')})` : ' (no profiles are configured)'}`);
  }
  return profile;
}
