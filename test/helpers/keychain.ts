/**
 * In-memory keychains for in-process command tests (the real one, a Secret Service in a private
 * D-Bus session, is in secret-service.ts): one that keeps entries, and one that is unavailable.
 */
import { KeychainUnavailableError, type ProfileSecrets, type SecretStore } from '../../src/cli/keychain.js';

export interface MemoryKeychain extends SecretStore {
  /** The entries, by profile name, as stored (JSON text, as the real one stores them). */
  entries: Map<string, string>;
}

export function createMemoryKeychain(): MemoryKeychain {
  const entries = new Map<string, string>();
  return {
    label: 'the test keychain',
    entries,
    async get(profile) {
      const text = entries.get(profile);
      return text === undefined ? undefined : (JSON.parse(text) as ProfileSecrets);
    },
    async set(profile, secrets) {
      entries.set(profile, JSON.stringify(secrets));
    },
    async delete(profile) {
      return entries.delete(profile);
    },
  };
}

/** A keychain that cannot be reached, as on a headless machine without a Secret Service. */
export function unavailableKeychain(reason = 'no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is unset)'): () => Promise<SecretStore> {
  return async () => {
    throw new KeychainUnavailableError(`the OS keychain (Secret Service) cannot be used: ${reason}`);
  };
}
