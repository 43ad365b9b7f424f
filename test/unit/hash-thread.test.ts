/** The hashing thread follows a file while it is written and hashes exactly up to the final size. */
import { createHash, randomBytes } from 'node:crypto';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hashFileOnThread } from '../../src/cli/fs/hash-thread.js';

const dir = mkdtempSync(join(tmpdir(), 'e2bts-hash-thread-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sha = (data: Buffer) => createHash('sha256').update(data).digest('hex');
const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('hashFileOnThread', () => {
  it('waits for the file, follows it as it grows, and stops at the size it is given', async () => {
    const path = join(dir, 'growing.bin');
    const hasher = hashFileOnThread(path);
    const parts = Array.from({ length: 6 }, (_, i) => randomBytes(300_000 + i));
    await tick();
    writeFileSync(path, parts[0]);
    for (const part of parts.slice(1)) {
      await tick();
      appendFileSync(path, part);
    }
    const all = Buffer.concat(parts);
    expect(await hasher.finish(all.length)).toEqual({ size: all.length, sha256: sha(all) });
    await hasher.stop();
  });

  it('hashes only up to the final size when the file holds more', async () => {
    const path = join(dir, 'longer.bin');
    const data = randomBytes(50_000);
    writeFileSync(path, data);
    const hasher = hashFileOnThread(path);
    expect(await hasher.finish(20_000)).toEqual({ size: 20_000, sha256: sha(data.subarray(0, 20_000)) });
    await hasher.stop();
  });

  it('fails when the file is shorter than the final size, or never appears', async () => {
    const short = join(dir, 'short.bin');
    writeFileSync(short, randomBytes(1000));
    const a = hashFileOnThread(short);
    await expect(a.finish(2000)).rejects.toThrow(/shorter/);
    await a.stop();
    const b = hashFileOnThread(join(dir, 'never.bin'));
    await tick();
    await expect(b.finish(10)).rejects.toThrow(/ENOENT/);
    await b.stop();
  });

  it('stop() ends a thread that is still waiting, twice without harm', async () => {
    const hasher = hashFileOnThread(join(dir, 'absent.bin'));
    await expect(hasher.stop()).resolves.toBeUndefined();
    await expect(hasher.stop()).resolves.toBeUndefined();
    // a stopped thread gives no digest
    await expect(hasher.finish(0)).rejects.toThrow(/ended early/);
  });
});
