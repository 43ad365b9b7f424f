import { readFileSync } from 'node:fs';

let cached: string | undefined;

/**
 * The package version, read from package.json on first use (src/version.ts and dist/version.js both sit one level
 * below it, so the same relative path works in tests and in the built package).
 */
export function packageVersion(): string {
  if (cached === undefined) {
    try {
      const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: string };
      cached = pkg.version ?? '0.0.0';
    } catch {
      cached = '0.0.0';
    }
  }
  return cached;
}

/** The User-Agent the library sends: `e2b-ts/<version>`. */
export function userAgent(): string {
  return `e2b-ts/${packageVersion()}`;
}
