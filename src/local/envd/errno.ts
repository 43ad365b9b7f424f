/**
 * System errors in the words Go prints for them (envd is a Go program, so its error messages end
 * in these), without the paths Node puts in its messages: those would be host paths when the
 * backend runs unisolated.
 */
const WORDS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOENT: 'no such file or directory',
  ENOTDIR: 'not a directory',
  EISDIR: 'is a directory',
  EEXIST: 'file exists',
  ENOTEMPTY: 'directory not empty',
  EINVAL: 'invalid argument',
  ELOOP: 'too many levels of symbolic links',
  ENAMETOOLONG: 'file name too long',
  EBUSY: 'device or resource busy',
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EMFILE: 'too many open files',
  EIO: 'input/output error',
};

/** The errno name of a Node system error, if it is one. */
export function errnoOf(error: unknown): string | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** "permission denied" for EACCES; the errno name for others; the message for non-system errors. */
export function errnoText(error: unknown): string {
  const code = errnoOf(error);
  if (code) return WORDS[code] ?? code;
  return error instanceof Error ? error.message : String(error);
}
