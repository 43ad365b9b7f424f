/**
 * The OS keychain (macOS Keychain, Windows Credential Manager, the Secret Service on Linux:
 * GNOME Keyring, KWallet, KeePassXC) through @napi-rs/keyring, a prebuilt native module. It is
 * imported only when a secret is stored or read, so commands that need no keychain do not pay
 * for loading it.
 *
 * Each profile's secrets are one entry: service `e2b-ts`, account = the profile name, and the
 * secret a small JSON object (`{"apiKey": "e2b_…"}`), so a command reads the keychain once.
 *
 * `E2B_TS_KEYRING` chooses: `auto` (default) uses the keychain when it answers and the 0600
 * config file otherwise; `on` requires the keychain (an error when it cannot be used); `off`
 * never touches it (tests, headless machines, containers).
 */
import { UsageError } from './errors.js';

type Env = Record<string, string | undefined>;

/** The keychain service every e2b-ts entry is filed under. */
export const KEYCHAIN_SERVICE = 'e2b-ts';

/**
 * How long a keychain call may take. A Secret Service that D-Bus has to start first answers in
 * well under a second; one that never comes (a bus without a provider can hang until D-Bus's own
 * 25 s activation timeout) must not stall every command.
 * @default 10 s
 */
export const KEYCHAIN_TIMEOUT_MS = 10_000;

export type KeychainMode = 'auto' | 'on' | 'off';

/** `E2B_TS_KEYRING`: `auto` unless set; anything else than auto/on/off is a usage error. */
export function keychainMode(env: Env): KeychainMode {
  const raw = (env.E2B_TS_KEYRING ?? '').trim().toLowerCase();
  if (raw === '' || raw === 'auto') return 'auto';
  if (['on', '1', 'true', 'yes'].includes(raw)) return 'on';
  if (['off', '0', 'false', 'no'].includes(raw)) return 'off';
  throw new UsageError(`invalid E2B_TS_KEYRING "${env.E2B_TS_KEYRING}": expected auto, on or off`);
}

/** The secrets of one profile. */
export interface ProfileSecrets {
  apiKey?: string;
  accessToken?: string;
}

/** Secrets by profile name (the seam tests replace with an in-memory store). */
export interface SecretStore {
  /** Where the secrets are, for people ("the OS keychain (Secret Service)"). */
  readonly label: string;
  get(profile: string): Promise<ProfileSecrets | undefined>;
  set(profile: string, secrets: ProfileSecrets): Promise<void>;
  /** True when there was an entry to delete. */
  delete(profile: string): Promise<boolean>;
}

/** The keychain could not be used; `message` says why (it never holds a secret). */
export class KeychainUnavailableError extends Error {
  override name = 'KeychainUnavailableError';
}

function platformLabel(): string {
  if (process.platform === 'darwin') return 'the macOS Keychain';
  if (process.platform === 'win32') return 'the Windows Credential Manager';
  return 'the OS keychain (Secret Service)';
}

/** A one-line reason from the native module's error (its messages name D-Bus failures, not secrets). */
function reasonOf(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return (
    text
      .replace(/\s+/g, ' ')
      .replace(/^Platform failure: /, '')
      .trim() || 'unknown error'
  );
}

function parseSecrets(text: string): ProfileSecrets {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new KeychainUnavailableError(`the keychain entry ${KEYCHAIN_SERVICE}/… is not the JSON e2b-ts writes`);
  }
  const out: ProfileSecrets = {};
  if (typeof value === 'object' && value !== null) {
    const v = value as Record<string, unknown>;
    if (typeof v.apiKey === 'string') out.apiKey = v.apiKey;
    if (typeof v.accessToken === 'string') out.accessToken = v.accessToken;
  }
  return out;
}

/**
 * The OS keychain. Fails with {@link KeychainUnavailableError} when the native module cannot be
 * loaded; calls fail the same way when the keychain does not answer (no D-Bus session, no Secret
 * Service, a locked keychain the user declined to unlock).
 */
export async function openKeychain(): Promise<SecretStore> {
  let keyring: typeof import('@napi-rs/keyring');
  try {
    keyring = await import('@napi-rs/keyring');
  } catch (error) {
    throw new KeychainUnavailableError(`the keychain module cannot be loaded on this platform (${reasonOf(error)})`);
  }
  // On Linux, pin the Secret Service: keyring's fallback, the kernel keyring, forgets everything
  // at logout or reboot, which a sign-in must survive.
  const entry = (profile: string) => new keyring.AsyncEntry(KEYCHAIN_SERVICE, profile, { linux: { store: 'secret-service' } });
  const call = async <T>(what: string, run: (signal: AbortSignal) => Promise<T>): Promise<T> => {
    const signal = AbortSignal.timeout(KEYCHAIN_TIMEOUT_MS);
    try {
      return await run(signal);
    } catch (error) {
      if (signal.aborted) throw new KeychainUnavailableError(`${platformLabel()} did not answer within ${KEYCHAIN_TIMEOUT_MS / 1000} s (${what})`);
      throw new KeychainUnavailableError(`${platformLabel()} cannot be used: ${reasonOf(error)}`);
    }
  };
  return {
    label: platformLabel(),
    async get(profile) {
      const text = await call('read', (signal) => entry(profile).getPassword(signal));
      return text === null || text === undefined ? undefined : parseSecrets(text);
    },
    async set(profile, secrets) {
      await call('write', (signal) => entry(profile).setPassword(JSON.stringify(secrets), signal));
    },
    async delete(profile) {
      return call('delete', (signal) => entry(profile).deletePassword(signal));
    },
  };
}
