// src/gen/ is generated from spec/ and committed. If someone edits spec/ (or bumps the
// generator) without running `npm run gen`, this fails, the same way `npm run gen:check` does.

import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

describe('src/gen/', () => {
  it('matches what spec/ generates (run `npm run gen` if not)', () => {
    const result = spawnSync(process.execPath, ['scripts/gen.mjs', '--check'], {
      cwd: repoRoot,
      encoding: 'utf8',
    });
    // On failure the message carries the generator's list of stale files.
    expect(result.status, `${result.stdout}${result.stderr}`).toBe(0);
  }, 60_000);
});
