/**
 * Start-up builds only the noun that runs; the others are listed by name and summary. These
 * tests pin that the shortcut is invisible: the same root help, the same suggestions, and the
 * full noun whenever its verbs can be reached (directly, after `help`, behind global options).
 */
import { describe, expect, it } from 'vitest';
import { buildProgram, nounsNeeded } from '../../src/cli/commands/root.js';
import { createContext } from '../../src/cli/context.js';
import { createTestIO } from '../helpers/io.js';

const build = (argv?: string[]) => buildProgram(createContext({ io: createTestIO().io }), argv);
const verbsOf = (argv: string[] | undefined, noun: string) =>
  build(argv)
    .commands.find((c) => c.name() === noun)!
    .commands.map((c) => c.name());

describe('nounsNeeded', () => {
  it('picks the first command word, skipping global options and their values', () => {
    expect(nounsNeeded(['sandbox', 'ls'])).toEqual(new Set(['sandbox']));
    expect(nounsNeeded(['--json', '--api-key', 'fs', 'local', 'status'])).toEqual(new Set(['local']));
    expect(nounsNeeded(['--profile', 'pty', 'sbx', 'ls'])).toEqual(new Set(['sandbox']));
    expect(nounsNeeded(['--api-key=k', 'proc', 'ls'])).toEqual(new Set(['proc']));
  });

  it('follows `help NOUN`, builds nothing extra for verbs or unknown words', () => {
    expect(nounsNeeded(['help', 'fs'])).toEqual(new Set(['fs']));
    expect(nounsNeeded(['exec', 'sbx', '--', 'ls'])).toEqual(new Set());
    expect(nounsNeeded(['--help'])).toEqual(new Set());
    expect(nounsNeeded(['--', 'sandbox'])).toEqual(new Set());
    expect(nounsNeeded(['sandbx'])).toEqual(new Set());
  });

  it('needs everything for `completion` and when there is no argv', () => {
    expect(nounsNeeded(['completion', 'bash'])).toBeUndefined();
    expect(nounsNeeded(undefined)).toBeUndefined();
  });
});

describe('the lazily built tree', () => {
  it('prints the same root help as the full tree', () => {
    expect(build(['--help']).helpInformation()).toBe(build().helpInformation());
  });

  it('builds the invoked noun in full and leaves the others as placeholders', () => {
    expect(verbsOf(['sbx', 'ls'], 'sandbox')).toEqual(verbsOf(undefined, 'sandbox'));
    expect(verbsOf(['sbx', 'ls'], 'sandbox').length).toBeGreaterThan(3);
    expect(verbsOf(['sbx', 'ls'], 'fs')).toEqual([]);
    expect(verbsOf(['help', 'fs'], 'fs')).toEqual(verbsOf(undefined, 'fs'));
  });

  it('suggests a noun that was not built for a typo', async () => {
    const io = createTestIO();
    const program = buildProgram(createContext({ io: io.io }), ['loca']);
    await expect(program.parseAsync(['loca'], { from: 'user' })).rejects.toThrow();
    expect(io.stderr()).toContain('Did you mean local?');
  });
});
