/**
 * The temporary names that copies and writes land under before they are renamed into place, so
 * a failed or interrupted transfer never leaves a partial file at the name the user gave.
 */
import { randomBytes } from 'node:crypto';
import { basename } from 'node:path';

/** `.NAME.e2bts-RANDOM`, the temporary to put next to `path` (in the same folder). */
export function tempName(path: string): string {
  return `.${basename(path)}.e2bts-${randomBytes(5).toString('hex')}`;
}

/**
 * An error about the temporary (a sandbox refusing to create it, say), made to name the
 * destination instead: that is the name the user knows.
 */
export function naming<E>(error: E, tmp: string, target: string): E {
  if (error instanceof Error && error.message.includes(tmp)) error.message = error.message.split(tmp).join(target);
  return error;
}
