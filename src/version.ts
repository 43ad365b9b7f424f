import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;
let version: string | undefined;

/**
 * The package's root folder (the one holding its package.json), found by walking up from this
 * module, so the answer is the same from src/ (tests), dist/ (the library) and dist/bin/ (the
 * bundled CLI).
 */
export function packageRoot(): string {
  if (root === undefined) {
    let dir = dirname(fileURLToPath(import.meta.url));
    for (;;) {
      const manifest = join(dir, 'package.json');
      if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'e2b-ts') break;
      const parent = dirname(dir);
      if (parent === dir) throw new Error('cannot find the e2b-ts package root');
      dir = parent;
    }
    root = dir;
  }
  return root;
}

/** Set by the CLI bundle's build (esbuild `define`), so the CLI never reads package.json for it. */
declare const __E2B_TS_VERSION__: string | undefined;

/** The package version: built into the CLI bundle, else read from package.json on first use. */
export function packageVersion(): string {
  if (version === undefined && typeof __E2B_TS_VERSION__ === 'string') version = __E2B_TS_VERSION__;
  if (version === undefined) {
    try {
      version = (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version?: string }).version ?? '0.0.0';
    } catch {
      version = '0.0.0';
    }
  }
  return version;
}

/** The User-Agent the library sends: `e2b-ts/<version>`. */
export function userAgent(): string {
  return `e2b-ts/${packageVersion()}`;
}
