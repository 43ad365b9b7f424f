/** Identifiers in the shapes E2B uses, from a CSPRNG. */
import { randomBytes, randomInt } from 'node:crypto';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

function randomChars(length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += ALPHABET[randomInt(ALPHABET.length)];
  return out;
}

/** Sandbox IDs: "i" + 20 chars of [a-z0-9]. */
export const newSandboxId = (): string => `i${randomChars(20)}`;
/** Template and snapshot IDs: 20 chars of [a-z0-9]. */
export const newTemplateId = (): string => randomChars(20);
/** envd access tokens: 64 hex digits (as E2B's HMAC-derived tokens). */
export const newAccessToken = (): string => randomBytes(32).toString('hex');
/** API keys: "e2b_" + 40 hex digits, the shape the official SDKs validate. */
export const newApiKey = (): string => `e2b_${randomBytes(20).toString('hex')}`;
/** Build IDs: UUIDs. */
export const newBuildId = (): string => crypto.randomUUID();
