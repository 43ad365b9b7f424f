/**
 * The volume-content API's path rule (src/local/daemon/volume-content.ts `volumePathParts`) and
 * the CLI's VOLUME:PATH grammar under generated input: whatever a caller sends, the parts the
 * daemon walks are plain names (never empty, `.`, `..`, nor holding `/` or NUL), or the request
 * is refused with a 400; and VOLUME:PATH gives back the volume and a rooted path, or a usage error.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseVolumeLocation } from '../../src/cli/commands/volume/shared.js';
import { UsageError } from '../../src/cli/errors.js';
import { ApiError } from '../../src/local/daemon/http.js';
import { volumePathParts } from '../../src/local/daemon/volume-content.js';
import { hostileText } from './arbitraries.js';
import { fuzz } from './config.js';

const path = fc.oneof(
  hostileText({ long: true }),
  fc.string({ unit: 'binary' }),
  fc.array(fc.constantFrom('a', '.', '..', '', '...', '.hidden', 'b c', '\0', '%2e%2e', '\\..'), { maxLength: 8 }).map((p) => p.join('/')),
);

describe('volume paths under generated input', () => {
  it('volumePathParts gives plain names only, or a 400', async () => {
    await fuzz(
      fc.property(path, (raw) => {
        let parts: string[];
        try {
          parts = volumePathParts(raw);
        } catch (error) {
          expect(error).toBeInstanceOf(ApiError);
          expect((error as ApiError).status).toBe(400);
          return;
        }
        for (const part of parts) {
          expect(part).not.toBe('');
          expect(part).not.toBe('.');
          expect(part).not.toBe('..');
          expect(part.includes('/')).toBe(false);
          expect(part.includes('\0')).toBe(false);
        }
        // nothing is dropped but empty and "." parts
        expect(parts.join('/')).toBe(
          raw
            .split('/')
            .filter((p) => p !== '' && p !== '.')
            .join('/'),
        );
      }),
      { runs: 2000 },
    );
  });

  it('VOLUME:PATH gives the volume before the first colon and a rooted path, or a usage error', async () => {
    await fuzz(
      fc.property(
        fc.oneof(
          path,
          fc.tuple(fc.stringMatching(/^[a-zA-Z0-9_-]{1,12}$/), path).map(([v, p]) => `${v}:${p}`),
        ),
        (arg) => {
          let got: { volume: string; path: string };
          try {
            got = parseVolumeLocation(arg, 'volume cat');
          } catch (error) {
            expect(error).toBeInstanceOf(UsageError);
            expect(arg.indexOf(':')).toBeLessThanOrEqual(0);
            return;
          }
          expect(got.volume).toBe(arg.slice(0, arg.indexOf(':')));
          expect(got.path.startsWith('/')).toBe(true);
        },
      ),
      { runs: 2000 },
    );
  });
});
