/** The sandbox sudo's command line, parsed as sudo parses it. */
import { describe, expect, it } from 'vitest';
import { parseSudoArgs, shellLine, SudoUsageError } from '../../src/local/envd/sudo/args.js';

describe('parseSudoArgs', () => {
  it.each([
    [['id'], { user: 'root', mode: 'exec', preserveEnv: false, argv: ['id'] }],
    [['-u', 'user', 'id', '-u'], { user: 'user', mode: 'exec', preserveEnv: false, argv: ['id', '-u'] }],
    [['-uuser', 'id'], { user: 'user', mode: 'exec', preserveEnv: false, argv: ['id'] }],
    [['--user=user', '-E', 'env'], { user: 'user', mode: 'exec', preserveEnv: true, argv: ['env'] }],
    [['-Ei'], { user: 'root', mode: 'login', preserveEnv: true, argv: [] }],
    [['-s', 'echo', 'x'], { user: 'root', mode: 'shell', preserveEnv: false, argv: ['echo', 'x'] }],
    [['-n', '--', '-weird', 'arg'], { user: 'root', mode: 'exec', preserveEnv: false, argv: ['-weird', 'arg'] }],
    [['apt-get', '-y', 'install', 'x'], { user: 'root', mode: 'exec', preserveEnv: false, argv: ['apt-get', '-y', 'install', 'x'] }],
  ])('%j', (args, expected) => {
    expect(parseSudoArgs(args)).toEqual(expected);
  });

  it('-v, -k alone, -h and -V run nothing', () => {
    expect(parseSudoArgs(['-v']).action).toBe('validate');
    expect(parseSudoArgs(['-k']).action).toBe('validate');
    expect(parseSudoArgs(['-h']).action).toBe('help');
    expect(parseSudoArgs(['-V']).action).toBe('version');
  });

  it('refuses what sudo refuses', () => {
    expect(() => parseSudoArgs([])).toThrow(SudoUsageError);
    expect(() => parseSudoArgs(['-u'])).toThrow(/requires an argument/);
    expect(() => parseSudoArgs(['-Z', 'x'])).toThrow("invalid option -- 'Z'");
    expect(() => parseSudoArgs(['--bogus', 'x'])).toThrow(/unrecognized option/);
  });

  it('-i/-s command lines escape as sudo does, $ left to expand', () => {
    expect(shellLine(['echo', '$HOME a b', "it's"])).toBe("echo $HOME\\ a\\ b it\\'s");
  });
});
