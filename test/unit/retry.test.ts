import { describe, expect, it } from 'vitest';
import { RETRY_AFTER_CAP_MS, isRetryable, parseRetryAfter, retryDelay } from '../../src/client/transport/retry.js';

describe('retry policy', () => {
  it('retries idempotent requests on 502/503/504 and network drops, never a non-idempotent POST that may have been sent', () => {
    expect(isRetryable({ status: 503 }, true)).toBe(true);
    expect(isRetryable({ status: 503 }, false)).toBe(false);
    expect(isRetryable({ status: 500 }, true)).toBe(false);
    expect(isRetryable({ status: 404 }, true)).toBe(false);
    expect(isRetryable({ networkCode: 'ECONNRESET' }, true)).toBe(true);
    expect(isRetryable({ networkCode: 'ECONNRESET' }, false)).toBe(false);
    expect(isRetryable({ networkCode: 'EPROTO' }, true)).toBe(false);
  });

  it('retries anything refused before it was sent: 429 and refused connections', () => {
    expect(isRetryable({ status: 429 }, false)).toBe(true);
    expect(isRetryable({ networkCode: 'ECONNREFUSED' }, false)).toBe(true);
  });

  it('does not sleep through a Retry-After longer than the cap', () => {
    expect(isRetryable({ status: 429, retryAfter: '5' }, false)).toBe(true);
    expect(isRetryable({ status: 429, retryAfter: String(RETRY_AFTER_CAP_MS / 1000 + 1) }, false)).toBe(false);
  });

  it('parses Retry-After seconds and dates', () => {
    expect(parseRetryAfter('2')).toBe(2000);
    expect(parseRetryAfter('0.5')).toBe(500);
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:03 GMT', now)).toBe(3000);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(null)).toBeUndefined();
  });

  it('backs off exponentially with jitter, capped; honours the server wait', () => {
    expect(retryDelay(1, undefined, () => 0)).toBe(100);
    expect(retryDelay(1, undefined, () => 1)).toBe(200);
    expect(retryDelay(3, undefined, () => 1)).toBe(800);
    expect(retryDelay(20, undefined, () => 1)).toBe(5000);
    expect(retryDelay(1, 1234)).toBe(1234);
    expect(retryDelay(1, 10 * RETRY_AFTER_CAP_MS)).toBe(RETRY_AFTER_CAP_MS);
  });
});
