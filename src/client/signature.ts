/**
 * Signed envd `/files` links, so a plain HTTP client (curl, a browser) can read or write one
 * file of a secured sandbox without the access token.
 */
import { getSignature, type FileOperation } from '../protocol/signature.js';

export { getSignature, type FileOperation, type SignatureInput } from '../protocol/signature.js';

/** Options of a signed link. */
export interface FileUrlOptions {
  /** envd user the link acts as; omitted selects the default user. */
  user?: string;
  /** Seconds from now until the link expires (secured sandboxes only). */
  useSignatureExpiration?: number;
}

/**
 * Builds the `/files` URL for `path` on `baseUrl` (any path prefix of baseUrl is dropped, as the
 * official SDKs do). Signs it when an access token is given.
 */
export function fileUrl(
  baseUrl: string,
  path: string | undefined,
  operation: FileOperation,
  accessToken: string | undefined,
  opts: FileUrlOptions = {},
  now: () => number = Date.now,
): string {
  const url = new URL('/files', baseUrl);
  if (opts.user) url.searchParams.set('username', opts.user);
  if (path) url.searchParams.set('path', path);
  if (accessToken) {
    const expiration = opts.useSignatureExpiration !== undefined ? Math.floor(now() / 1000) + opts.useSignatureExpiration : undefined;
    url.searchParams.set('signature', getSignature({ path: path ?? '', operation, user: opts.user ?? '', accessToken, expiration }));
    if (expiration !== undefined) url.searchParams.set('signature_expiration', String(expiration));
  }
  return url.toString();
}
