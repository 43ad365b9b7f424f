import { describe, expect, it } from 'vitest';
import { parseLocation, parseSandboxLocation } from '../../src/cli/fs/location.js';
import { UsageError } from '../../src/cli/errors.js';

describe('parseLocation', () => {
  it.each([
    ['iabc123:/home/user/a.txt', { kind: 'sandbox', sandboxId: 'iabc123', path: '/home/user/a.txt' }],
    ['iabc123:rel/a', { kind: 'sandbox', sandboxId: 'iabc123', path: 'rel/a' }],
    ['iabc123:', { kind: 'sandbox', sandboxId: 'iabc123', path: '.' }],
    ['iabc-6532622b:/x', { kind: 'sandbox', sandboxId: 'iabc-6532622b', path: '/x' }],
    ['-', { kind: 'stdio' }],
    ['./a:b', { kind: 'local', path: './a:b' }],
    ['/abs/a:b', { kind: 'local', path: '/abs/a:b' }],
    ['C:\\Users\\x', { kind: 'local', path: 'C:\\Users\\x' }],
    ['C:/Users/x', { kind: 'local', path: 'C:/Users/x' }],
    ['plain.txt', { kind: 'local', path: 'plain.txt' }],
    ['Upper:case', { kind: 'local', path: 'Upper:case' }],
    ['dir/with:colon', { kind: 'local', path: 'dir/with:colon' }],
  ])('%s', (arg, expected) => expect(parseLocation(arg)).toEqual(expected));

  it('sandbox-only verbs refuse local paths with a hint', () => {
    expect(() => parseSandboxLocation('file.txt', 'fs cat')).toThrow(UsageError);
    expect(() => parseSandboxLocation('file.txt', 'fs cat')).toThrow(/SANDBOX:PATH/);
  });
});
