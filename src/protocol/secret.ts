/**
 * Comparison of secrets (API keys, access tokens) in constant time, so the time a refusal takes
 * tells nothing about how much of a guess was right.
 *
 * src/protocol/ holds pure wire-level code shared by the client and the local backend.
 */
import { timingSafeEqual } from 'node:crypto';

/** Whether `given` (a header value: absent, repeated, or one string) is exactly `expected`. */
export function sameSecret(expected: string, given: string | string[] | undefined): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}
