/**
 * Retry policy of the REST transport, kept pure so it can be tested without a network.
 *
 * What is retried: requests that are safe to repeat (GET/HEAD/PUT/DELETE, and POSTs the caller
 * marks idempotent) after a connection failure or a 502/503/504, and every request after a 429
 * (the server refused it before doing anything). A non-idempotent POST is never repeated after
 * it may have reached the server.
 */

/** Statuses that mean "try again later" for a request that is safe to repeat. */
const RETRYABLE_STATUS = new Set([502, 503, 504]);
/** Network failures after which the request may be repeated if it is idempotent. */
const RETRYABLE_NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_CONNECT_TIMEOUT',
]);
/** Failures where the connection was never made, so even a POST never reached the server. */
const NOT_SENT_NETWORK_CODES = new Set(['ECONNREFUSED', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT']);

/** Base delay of the exponential backoff. @default 200 ms */
export const RETRY_BASE_DELAY_MS = 200;
/** Longest computed backoff between two attempts. */
export const RETRY_MAX_DELAY_MS = 5_000;
/**
 * Longest Retry-After we are willing to sleep through inside a call; a longer wait is surfaced
 * to the caller as a RateLimitError carrying the wait, rather than hanging a CLI for minutes.
 */
export const RETRY_AFTER_CAP_MS = 30_000;

/** What happened on one attempt. */
export type AttemptOutcome = { status: number; retryAfter?: string | null } | { networkCode: string };

/** Whether the outcome may be retried, given the request's idempotency. */
export function isRetryable(outcome: AttemptOutcome, idempotent: boolean): boolean {
  if ('networkCode' in outcome) {
    if (!RETRYABLE_NETWORK_CODES.has(outcome.networkCode)) return false;
    return idempotent || NOT_SENT_NETWORK_CODES.has(outcome.networkCode);
  }
  if (outcome.status === 429) {
    const wait = parseRetryAfter(outcome.retryAfter ?? null);
    return wait === undefined || wait <= RETRY_AFTER_CAP_MS;
  }
  return idempotent && RETRYABLE_STATUS.has(outcome.status);
}

/**
 * Parses a Retry-After header (delta seconds or an HTTP date) into milliseconds from `now`.
 * Returns undefined when absent or unparseable.
 */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/**
 * Delay before retry number `attempt` (1-based): the server's Retry-After when it gave one,
 * else exponential backoff with "equal jitter": half of the exponential step is fixed, half is
 * random, so clients failing together do not retry in lockstep and no wait collapses to zero.
 */
export function retryDelay(attempt: number, retryAfterMs: number | undefined, random: () => number = Math.random): number {
  if (retryAfterMs !== undefined) return Math.min(retryAfterMs, RETRY_AFTER_CAP_MS);
  const cap = Math.min(RETRY_MAX_DELAY_MS, RETRY_BASE_DELAY_MS * 2 ** (attempt - 1));
  return Math.round(cap / 2 + (random() * cap) / 2);
}
