/**
 * The `SANDBOX:PATH` grammar of the fs commands (src/cli/fs/location.ts) under generated
 * arguments: hostile text, sandbox IDs with hostile paths, and the spellings that must stay
 * local (Windows drives, `./a:b`, absolute and home paths).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/cli/errors.js';
import { parseLocation, parseSandboxLocation } from '../../src/cli/fs/location.js';
import { hostileText } from './arbitraries.js';
import { fuzz } from './config.js';

/** IDs as E2B writes them (`[a-z0-9]+`), with a client suffix sometimes, one letter long sometimes. */
const sandboxId = fc.oneof(fc.stringMatching(/^[a-z0-9]{1,24}(?:-[a-z0-9]{1,10})?$/), fc.constantFrom('iabc123def456ghi789jk', 'iabc-6532622b', 'c', 'z9'));
/** Paths as a user (or a script fed hostile names) might write them after the colon. */
const remotePath = fc.oneof(
  hostileText({ long: true }),
  fc.string({ unit: 'binary' }),
  fc.constantFrom('', '.', '..', '/', '/home/user/a:b', 'C:\\x', '\\\\server\\share', '-', '~', ':', '::'),
);
const anyArg = fc.oneof(
  hostileText({ long: true }),
  fc.string({ unit: 'binary' }),
  fc.tuple(fc.oneof(sandboxId, hostileText({ maxPieces: 3 })), fc.constantFrom(':', '::', ''), remotePath).map((p) => p.join('')),
  fc.constantFrom('-', '--', '-:x', ' -', 'C:', 'C:x', 'c:/x', 'C:\\x', './a:b', 'a:', ':a', ':'),
);

const VALID_ID = /^[a-z0-9]+(?:-[a-z0-9]+)?$/;
/** `docker cp`'s rule, which the module follows: a drive letter with a separator is a local path. */
const isDrivePath = (arg: string) => /^[A-Za-z]:[\\/]/.test(arg);

describe('SANDBOX:PATH under generated arguments', () => {
  it('parseLocation never throws, and gives back exactly what it was given: the whole argument, or the ID and the path', async () => {
    await fuzz(
      fc.property(anyArg, (arg) => {
        const location = parseLocation(arg);
        expect(location.kind === 'stdio').toBe(arg === '-');
        if (location.kind === 'local') expect(location.path).toBe(arg);
        if (location.kind === 'sandbox') {
          expect(location.sandboxId).toMatch(VALID_ID);
          expect(isDrivePath(arg)).toBe(false);
          // an empty path is the sandbox user's working folder
          expect(`${location.sandboxId}:${location.path}`).toBe(arg.endsWith(':') && location.path === '.' ? `${arg}.` : arg);
        }
      }),
      { runs: 3000 },
    );
  });

  it('parseSandboxLocation answers what parseLocation found in a sandbox, or throws a UsageError naming the verb and the argument', async () => {
    await fuzz(
      fc.property(anyArg, (arg) => {
        const location = parseLocation(arg);
        let result: ReturnType<typeof parseSandboxLocation> | undefined;
        let error: unknown;
        try {
          result = parseSandboxLocation(arg, 'fs cat');
        } catch (e) {
          error = e;
        }
        if (location.kind === 'sandbox') {
          expect(error).toBeUndefined();
          expect(result).toEqual({ sandboxId: location.sandboxId, path: location.path });
        } else {
          expect(error).toBeInstanceOf(UsageError);
          expect((error as UsageError).message).toContain('fs cat');
          expect((error as UsageError).message).toContain(arg);
        }
      }),
      { runs: 2000 },
    );
  });

  it('ID:PATH round-trips: the ID and the path come out exactly as written (except a one-letter ID before a separator, a Windows drive)', async () => {
    await fuzz(
      fc.property(sandboxId, remotePath, (id, path) => {
        const arg = `${id}:${path}`;
        const location = parseLocation(arg);
        if (isDrivePath(arg)) {
          expect(location).toEqual({ kind: 'local', path: arg });
          return;
        }
        expect(location).toEqual({ kind: 'sandbox', sandboxId: id, path: path === '' ? '.' : path });
        expect(parseSandboxLocation(arg, 'fs ls')).toEqual({ sandboxId: id, path: path === '' ? '.' : path });
      }),
      { runs: 2000 },
    );
  });

  it('drive paths, ./a:b, ../a:b, absolute and home paths stay local, whatever follows them', async () => {
    const localPrefix = fc.oneof(
      fc.constantFrom('./', '../', '/', '~', '~/'),
      fc.tuple(fc.constantFrom(...'abcxyzCDXZ'), fc.constantFrom(':\\', ':/')).map((p) => p.join('')),
    );
    const rest = fc.oneof(
      remotePath,
      fc.tuple(sandboxId, remotePath).map(([id, path]) => `${id}:${path}`),
    );
    await fuzz(
      fc.property(localPrefix, rest, (prefix, tail) => {
        const arg = prefix + tail;
        expect(parseLocation(arg)).toEqual({ kind: 'local', path: arg });
        expect(() => parseSandboxLocation(arg, 'fs rm')).toThrow(UsageError);
      }),
      { runs: 2000 },
    );
  });
});
