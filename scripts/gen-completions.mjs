#!/usr/bin/env node
// Writes the shell completion scripts in completions/ by running the built CLI
// (`e2b-ts completion <shell>`), so the committed files are exactly what users get.
//
//   node scripts/gen-completions.mjs           regenerate completions/ (run `npm run build` first)
//   node scripts/gen-completions.mjs --check   compare instead of writing; name the stale files
//                                              and exit 1 if any differs (CI runs this)

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cli = path.join(repoRoot, 'bin', 'e2b-ts.js');
const outDir = 'completions';

/** shell -> file under completions/, named the way each shell looks for it. */
const targets = {
  bash: 'e2b-ts.bash',
  zsh: '_e2b-ts',
  fish: 'e2b-ts.fish',
  powershell: 'e2b-ts.ps1',
};

function main(argv) {
  const check = argv.includes('--check');
  const unknown = argv.filter((a) => a !== '--check');
  if (unknown.length > 0) {
    process.stderr.write(`gen-completions: unknown argument ${unknown[0]}\nusage: node scripts/gen-completions.mjs [--check]\n`);
    return 2;
  }
  const stale = [];
  for (const [shell, file] of Object.entries(targets)) {
    const script = generate(shell);
    if (script === undefined) return 1;
    const target = path.join(repoRoot, outDir, file);
    const current = existsSync(target) ? readFileSync(target, 'utf8') : undefined;
    if (current === script) continue;
    const name = `${outDir}/${file}`;
    if (check) {
      stale.push(`${name}${current === undefined ? ' (missing)' : ''}`);
    } else {
      mkdirSync(path.dirname(target), { recursive: true });
      writeFileSync(target, script);
      process.stderr.write(`gen-completions: wrote ${name}\n`);
    }
  }
  if (check && stale.length > 0) {
    process.stderr.write(
      `gen-completions: stale completion scripts (run \`npm run build && npm run gen:completions\`):\n${stale.map((s) => `  ${s}\n`).join('')}`,
    );
    return 1;
  }
  if (check) process.stderr.write(`gen-completions: ${outDir}/ is up to date\n`);
  return 0;
}

/** The script the built CLI prints for `shell`, or undefined (after saying why) if it failed. */
function generate(shell) {
  const result = spawnSync(process.execPath, [cli, 'completion', shell], {
    cwd: repoRoot,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  if (result.status !== 0 || !result.stdout) {
    process.stderr.write(
      `gen-completions: \`e2b-ts completion ${shell}\` failed (exit ${result.status}; is dist/ built? run \`npm run build\`):\n${result.stderr || result.error || ''}\n`,
    );
    return undefined;
  }
  return result.stdout;
}

process.exitCode = main(process.argv.slice(2));
