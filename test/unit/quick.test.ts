/**
 * `--version` and every `--help` are answered from texts built into dist/bin/quick.cjs, without the
 * command tree. These tests pin that the shortcut prints exactly what the full CLI prints, and
 * that it steps aside where the full CLI would print something else (a narrow terminal).
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/commands/root.js';
import { main } from '../../src/cli/main.js';
import { createContext } from '../../src/cli/context.js';
import { quickAnswer as fromSource, HELP_WIDTH } from '../../src/cli/quick.js';
import { packageVersion } from '../../src/version.js';
import { runCli } from '../helpers/cli.js';
import { createTestIO } from '../helpers/io.js';
import { repoRoot } from '../helpers/paths.js';

type Quick = typeof fromSource;
let built: Quick;

beforeAll(async () => {
  ({ quickAnswer: built } = (await import(pathToFileURL(join(repoRoot, 'dist', 'bin', 'quick.cjs')).href)) as { quickAnswer: Quick });
});

/** What the full CLI prints for argv, on a pipe or on a terminal `columns` wide. */
async function full(argv: string[], columns?: number): Promise<{ code: number; stdout: string }> {
  const t = createTestIO({ tty: columns !== undefined });
  if (columns !== undefined) Object.assign(t.io.stdout, { columns });
  const code = await main(argv, createContext({ io: t.io }));
  return { code, stdout: t.stdout() };
}

describe('quick answers', () => {
  it('the built CLI prints the full CLI’s root help and version, exit 0, nothing on stderr', async () => {
    for (const argv of [['--help'], ['-h'], ['--version'], ['-v']]) {
      const [ran, expected] = [await runCli(argv), await full(argv)];
      expect({ argv, code: ran.code, stdout: ran.stdout, stderr: ran.stderr }).toEqual({ argv, code: 0, stdout: expected.stdout, stderr: '' });
    }
    expect((await full(['--version'])).stdout).toBe(`${packageVersion()}\n`);
    expect((await full(['--help'])).stdout).toMatch(/^Usage: e2b-ts \[options\] \[command\]\n/);
  });

  it('help is served through a pipe and on terminals at least HELP_WIDTH wide, where the full CLI wraps the same', async () => {
    const help = built(['--help'], { isTTY: false });
    expect(help).toBe((await full(['--help'])).stdout);
    expect(built(['--help'], { isTTY: true, columns: 200 })).toBe(help);
    expect((await full(['--help'], 200)).stdout).toBe(help);
    expect(built(['--help'], { isTTY: true, columns: HELP_WIDTH })).toBe(help);
  });

  it('a narrower terminal gets the full CLI, which wraps to its width', async () => {
    expect(built(['--help'], { isTTY: true, columns: 80 })).toBeUndefined();
    const narrow = (await full(['--help'], 80)).stdout;
    expect(narrow).not.toBe(built(['--help'], { isTTY: false }));
    // commander wraps what it lays out (the examples after it are fixed text)
    const laidOut = narrow.split('\nExamples:')[0]!;
    expect(Math.max(...laidOut.split('\n').map((l) => l.length))).toBeLessThanOrEqual(80);
  });

  it('every command’s --help (and -h, and through aliases) is the full CLI’s, on a pipe', async () => {
    const paths: string[][] = [];
    const walk = (command: ReturnType<typeof buildProgram>, path: string[]) => {
      for (const sub of command.commands) {
        paths.push([...path, sub.name()]);
        walk(sub, [...path, sub.name()]);
      }
    };
    walk(buildProgram(createContext({ io: createTestIO().io })), []);
    expect(paths.length).toBeGreaterThan(60);
    for (const path of paths) {
      const expected = await full([...path, '--help']);
      expect({ path, code: expected.code }).toEqual({ path, code: 0 });
      expect({ path, quick: built([...path, '--help'], { isTTY: false }) }).toEqual({ path, quick: expected.stdout });
    }
    expect(built(['sbx', 'list', '-h'], { isTTY: false })).toBe((await full(['sandbox', 'ls', '--help'])).stdout);
    expect(built(['sandbox', 'ls', '--help'], { isTTY: true, columns: 80 })).toBeUndefined();
  });

  it('anything else goes to the full CLI; from source (no build) nothing is answered quickly', () => {
    for (const argv of [
      [],
      ['--help', 'sandbox'],
      ['help'],
      ['help', 'sandbox'],
      ['--json', '--version'],
      ['--debug'],
      ['sandbox', '--json', '--help'],
      ['sandbox', 'info', 'i123', '--help'],
      ['sandbx', '--help'],
      ['exec', 'i123', 'ls', '--help'],
    ]) {
      expect({ argv, answer: built(argv, { isTTY: false }) }).toEqual({ argv, answer: undefined });
    }
    expect(fromSource(['--help'], { isTTY: false })).toBeUndefined();
    expect(fromSource(['--version'], { isTTY: false })).toBeUndefined();
  });
});
