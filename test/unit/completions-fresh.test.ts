// completions/ holds what `e2b-ts completion <shell>` prints, committed. If someone changes the
// command tree (or a generator) without running `npm run build && npm run gen:completions`, this
// fails, the same way `node scripts/gen-completions.mjs --check` does. It runs the built CLI:
// the global setup builds dist/ when it is missing, and CI builds before testing.

import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

describe('completions/', () => {
  it('matches what the built CLI generates (run `npm run build && npm run gen:completions` if not)', () => {
    const result = spawnSync(process.execPath, ['scripts/gen-completions.mjs', '--check'], {
      cwd: repoRoot,
      encoding: 'utf8',
    });
    // On failure the message carries the generator's list of stale files.
    expect(result.status, `${result.stdout}${result.stderr}`).toBe(0);
  }, 60_000);
});
