/**
 * chalk is bundled and loaded lazily (issue 17): the built CLI loads its color chunk only when
 * colors can be on. A module hook (NODE_OPTIONS=--import) records every file the CLI process
 * loads; the test reads which of them carry chalk.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

let dir: string;
let register: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'e2bts-color-lazy-'));
  writeFileSync(
    join(dir, 'hooks.mjs'),
    [
      "import { appendFileSync } from 'node:fs';",
      'export async function load(url, context, next) {',
      "  if (url.startsWith('file:')) appendFileSync(process.env.E2B_TS_TEST_LOADED, `${url}\\n`);",
      '  return next(url, context);',
      '}',
    ].join('\n'),
  );
  register = join(dir, 'register.mjs');
  writeFileSync(register, "import { register } from 'node:module';\nregister(new URL('./hooks.mjs', import.meta.url));\n");
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Runs the CLI (stdio pipes, so no terminal) and returns its result and the files it loaded. */
async function loaded(name: string, args: string[], env: Record<string, string> = {}) {
  const log = join(dir, `${name}.log`);
  writeFileSync(log, '');
  const res = await runCli(args, {
    env: { NODE_OPTIONS: `--import=${pathToFileURL(register).href}`, E2B_TS_TEST_LOADED: log, E2B_TS_HOME: join(dir, `home-${name}`), ...env },
  });
  const files = readFileSync(log, 'utf8').split('\n').filter(Boolean);
  // chalk may share a chunk with ora: look for its code, not only for a name
  const chalk = files.filter((url) => /chalk/.test(url) || readFileSync(new URL(url), 'utf8').includes('node_modules/chalk/source/index.js'));
  return { res, files, chalk };
}

describe('chalk is loaded only when colors can be on', () => {
  it('a command on a pipe never loads it (local status: exit 3, backend stopped)', async () => {
    const { res, files, chalk } = await loaded('piped', ['local', 'status']);
    expect(res.code, res.stderr).toBe(3);
    expect(files.some((f) => f.endsWith('/dist/bin/cli.js'))).toBe(true);
    expect(chalk).toEqual([]);
  });

  it('FORCE_COLOR=1 loads it, and the error line is colored', async () => {
    const { res, chalk } = await loaded('forced', ['sandbox', 'info', 'NOT/AN/ID'], { FORCE_COLOR: '1' });
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/^\x1b\[31merror:\x1b\[39m invalid sandbox ID/);
    expect(chalk.length).toBeGreaterThan(0);
  });

  it.each([
    ['--no-color', ['--no-color', 'sandbox', 'info', 'NOT/AN/ID'], { FORCE_COLOR: '1' }],
    ['NO_COLOR', ['sandbox', 'info', 'NOT/AN/ID'], { FORCE_COLOR: '1', NO_COLOR: '1' }],
    ['help', ['sandbox', 'ls', '--help'], { FORCE_COLOR: '1' }],
  ])('%s: not loaded, and nothing is colored', async (name, args, env) => {
    const { res, chalk } = await loaded(name, args, env);
    expect(res.stdout + res.stderr).not.toContain('\x1b[');
    expect(chalk).toEqual([]);
  });
});
