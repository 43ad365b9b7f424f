/**
 * `exec --json` output shaping (src/cli/remote-exec.ts): the bounded collector and the NDJSON
 * event encoder, whose chunk edges must never split a character into two halves of base64.
 */
import { describe, expect, it } from 'vitest';
import { Bounded, EventEncoder, JSON_OUTPUT_LIMIT } from '../../src/cli/remote-exec.js';

const decode = (lines: Array<string | undefined>) =>
  Buffer.concat(
    lines
      .filter((l): l is string => l !== undefined)
      .map((l) => JSON.parse(l) as { data: string; encoding?: string })
      .map((e) => Buffer.from(e.data, e.encoding === 'base64' ? 'base64' : 'utf8')),
  );

describe('EventEncoder', () => {
  it('a character split between chunks is carried, so every event is text', () => {
    const text = Buffer.from('aé€😀z');
    const enc = new EventEncoder('stdout');
    const lines: Array<string | undefined> = [];
    for (let i = 0; i < text.length; i++) lines.push(enc.encode(text.subarray(i, i + 1)));
    lines.push(enc.flush());
    const events = lines.filter((l): l is string => l !== undefined).map((l) => JSON.parse(l) as { encoding?: string });
    expect(events.every((e) => e.encoding === undefined)).toBe(true);
    expect(decode(lines).equals(text)).toBe(true);
  });

  it('bytes that are not UTF-8 go as base64, and a dangling lead byte is flushed at the end', () => {
    const enc = new EventEncoder('stderr');
    const lines = [enc.encode(Buffer.from([0x61, 0xff, 0x62])), enc.encode(Buffer.from([0xe2, 0x82])), enc.flush()];
    expect(JSON.parse(lines[0]!)).toEqual({ type: 'stderr', data: Buffer.from([0x61, 0xff, 0x62]).toString('base64'), encoding: 'base64' });
    expect(lines[1]).toBeUndefined();
    expect(decode(lines).equals(Buffer.from([0x61, 0xff, 0x62, 0xe2, 0x82]))).toBe(true);
  });
});

describe('Bounded', () => {
  it('keeps the first JSON_OUTPUT_LIMIT bytes, counts all, and never ends in half a character', () => {
    const b = new Bounded();
    b.add(Buffer.alloc(JSON_OUTPUT_LIMIT - 1, 0x61));
    b.add(Buffer.from('é')); // its second byte is past the limit
    b.add(Buffer.alloc(10, 0x61));
    expect(b.total).toBe(JSON_OUTPUT_LIMIT + 11);
    expect(b.truncated).toBe(true);
    const kept = b.bytes();
    expect(kept.length).toBe(JSON_OUTPUT_LIMIT - 1);
    expect(kept.toString('utf8')).toMatch(/^a+$/);
  });

  it('under the limit: everything, not truncated', () => {
    const b = new Bounded();
    b.add(Buffer.from('hello '));
    b.add(Buffer.from('world'));
    expect(b.truncated).toBe(false);
    expect(b.bytes().toString()).toBe('hello world');
  });
});
