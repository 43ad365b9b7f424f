/**
 * Uploads are written under a temporary name in the target's own folder and renamed into place
 * once complete, so a file is never seen half-written and a failed upload leaves the old file
 * as it was. Watchers hide these names (E2B's envd has none to report).
 */
import { randomBytes } from 'node:crypto';

const PATTERN = /^\.e2b-ts-upload-[0-9a-f]{24}$/;
/**
 * Random per envd, counted per upload: unique without a trip to the random source for every
 * small file (uploads open their temporary with O_EXCL anyway).
 */
const PREFIX = `.e2b-ts-upload-${randomBytes(8).toString('hex')}`;
let counter = 0;

/** A fresh temporary name (a base name) for an upload. */
export function uploadTempName(): string {
  counter = (counter + 1) % 0x100000000;
  return `${PREFIX}${counter.toString(16).padStart(8, '0')}`;
}

/** Whether a base name is one {@link uploadTempName} makes. */
export function isUploadTemp(name: string): boolean {
  return PATTERN.test(name);
}
