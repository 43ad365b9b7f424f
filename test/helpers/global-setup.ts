/**
 * Builds dist/ once when it is missing: end-to-end tests run the built CLI and the daemon as
 * real processes. (`npm test` builds first through its pretest script.)
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './paths.js';

export default function setup(): void {
  if (existsSync(join(repoRoot, 'dist', 'cli', 'main.js')) && existsSync(join(repoRoot, 'dist', 'envd.mjs'))) return;
  const result = spawnSync(process.execPath, [join(repoRoot, 'scripts', 'build.mjs')], { stdio: 'inherit', cwd: repoRoot });
  if (result.status !== 0) throw new Error('build failed');
}
