import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Root of the repository. */
export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The built CLI entry. */
export const cliBin = join(repoRoot, 'bin', 'e2b-ts.js');
/** The built daemon entry. */
export const daemonMain = join(repoRoot, 'dist', 'local', 'daemon', 'main.js');
