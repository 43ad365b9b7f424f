/** Pure pieces shared by the client and the local backend. */
import { describe, expect, it } from 'vitest';
import { Paginator } from '../../src/client/paginator.js';
import { encodeMetadataFilter, newSandboxBody } from '../../src/client/sandbox-api.js';
import { InvalidArgumentError } from '../../src/client/errors.js';
import { parseMetadataFilter } from '../../src/local/daemon/api.js';
import { canonicalSnapshotName, parseName } from '../../src/local/daemon/templates.js';
import { parseStat } from '../../src/local/runtime/proctree.js';

describe('metadata filter: client encoding → server decoding', () => {
  it.each([[{ a: 'b' }], [{ 'key with space': 'v&w=x', ü: '%41', plus: 'a+b' }], [{ one: '1', two: '2' }]])(
    'round-trips %j through a real query string',
    (metadata) => {
      const query = new URLSearchParams({ metadata: encodeMetadataFilter(metadata) }).toString();
      expect(parseMetadataFilter(new URLSearchParams(query).get('metadata'))).toEqual(metadata);
    },
  );

  it('rejects malformed filters with a 400', () => {
    expect(() => parseMetadataFilter('a%3Db%3Dc')).toThrow(/Error parsing metadata/);
    expect(parseMetadataFilter(null)).toBeUndefined();
  });
});

describe('create body', () => {
  it('E2B wire names and SDK defaults', () => {
    expect(newSandboxBody({})).toEqual({ templateID: 'base', timeout: 300, secure: true, allow_internet_access: true });
    const body = newSandboxBody({
      template: 't',
      timeoutMs: 1500,
      metadata: { a: 'b' },
      envs: { X: '1' },
      lifecycle: { onTimeout: 'pause', autoResume: false, keepMemory: false },
      volumeMounts: { '/data': 'vol1', '/more': { name: 'vol2' } },
      allowInternetAccess: false,
    });
    expect(body).toMatchObject({
      templateID: 't',
      timeout: 2,
      metadata: { a: 'b' },
      envVars: { X: '1' },
      autoPause: true,
      autoPauseMemory: false,
      autoResume: { enabled: false },
      allow_internet_access: false,
      volumeMounts: [
        { name: 'vol1', path: '/data' },
        { name: 'vol2', path: '/more' },
      ],
    });
    expect(newSandboxBody({ mcp: {} }).templateID).toBe('mcp-gateway');
  });

  it('refuses lifecycle combinations the platform refuses', () => {
    expect(() => newSandboxBody({ lifecycle: { onTimeout: 'kill', autoResume: true } })).toThrow(InvalidArgumentError);
    expect(() => newSandboxBody({ lifecycle: { onTimeout: 'kill', keepMemory: true } })).toThrow(InvalidArgumentError);
    expect(() => newSandboxBody({ timeoutMs: 0 })).toThrow(InvalidArgumentError);
    expect(() => newSandboxBody({ lifecycle: { onTimeout: 'pause', autoResume: true, keepMemory: false } })).toThrow(InvalidArgumentError);
  });
});

describe('Paginator', () => {
  it('follows X-Next-Token pages, as items or pages, and stops', async () => {
    const pages: Record<string, { items: number[]; nextToken?: string }> = {
      start: { items: [1, 2], nextToken: 'p2' },
      p2: { items: [3, 4], nextToken: 'p3' },
      p3: { items: [5] },
    };
    const seen: Array<string | undefined> = [];
    const make = () =>
      new Paginator<number>(async (token) => {
        seen.push(token);
        return pages[token ?? 'start'];
      });
    const items: number[] = [];
    for await (const n of make()) items.push(n);
    expect(items).toEqual([1, 2, 3, 4, 5]);
    expect(seen).toEqual([undefined, 'p2', 'p3']);
    expect(await make().toArray({ max: 3 })).toEqual([1, 2, 3]);
    const manual = make();
    expect(await manual.nextItems()).toEqual([1, 2]);
    expect(manual.hasNext).toBe(true);
    expect(manual.nextToken).toBe('p2');
    const sizes: number[] = [];
    for await (const page of manual.pages()) sizes.push(page.length);
    expect(sizes).toEqual([2, 1]);
    expect(manual.hasNext).toBe(false);
    await expect(manual.nextItems()).rejects.toThrow(/no more pages/);
  });
});

describe('template names', () => {
  it('parses [namespace/]alias[:tag], lower-cased, default tag', () => {
    expect(parseName('My-Snap')).toEqual({ alias: 'my-snap', tag: 'default' });
    expect(parseName('team/snap:v2')).toEqual({ namespace: 'team', alias: 'snap', tag: 'v2' });
  });
  it('canonical snapshot names live in the local namespace', () => {
    expect(canonicalSnapshotName('warm')).toBe('local/warm:default');
    expect(canonicalSnapshotName('local/warm:v1')).toBe('local/warm:v1');
    expect(() => canonicalSnapshotName('other/warm')).toThrow(/namespace/);
    expect(() => canonicalSnapshotName('bad name')).toThrow(/invalid name/);
  });
});

describe('/proc/<pid>/stat parsing', () => {
  it('copes with spaces and parentheses in the command name', () => {
    const line = '1234 (my (odd) proc) S 1200 1234 1234 0 -1 4194560 100 0 0 0 7 3 0 0 20 0 1 0 500 10000000 256 18446744073709551615';
    expect(parseStat(line)).toEqual({ pid: 1234, ppid: 1200, state: 'S', cpuTicks: 10, rssPages: 256, startTicks: 500 });
    expect(parseStat('garbage')).toBeUndefined();
  });
});
