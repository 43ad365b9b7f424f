/**
 * Uploads are written under a temporary name in the target's own folder and renamed into place
 * once complete, so a file is never seen half-written and a failed upload leaves the old file
 * as it was. Watchers hide these names (E2B's envd has none to report).
 */
import { randomBytes } from 'node:crypto';

const PREFIX = '.e2b-ts-upload-';
const PATTERN = /^\.e2b-ts-upload-[0-9a-f]{24}$/;

/** A fresh temporary name (a base name) for an upload. */
export function uploadTempName(): string {
  return `${PREFIX}${randomBytes(12).toString('hex')}`;
}

/** Whether a base name is one {@link uploadTempName} makes. */
export function isUploadTemp(name: string): boolean {
  return PATTERN.test(name);
}
