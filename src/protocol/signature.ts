/**
 * The `/files` link signature, computed the same way by the client (to sign) and the local
 * backend (to verify and to route unsigned-by-ID links):
 *
 *   "v1_" + unpadded standard base64 of SHA-256("<path>:<op>:<user>:<token>[:<expiration>]")
 *
 * src/protocol/ holds pure wire-level code shared by the client and the local backend.
 */
import { createHash } from 'node:crypto';

/** The operation a signature grants. */
export type FileOperation = 'read' | 'write';

/** Inputs of a signature. */
export interface SignatureInput {
  /** Exactly the string sent as the `path` query parameter ("" when there is none). */
  path: string;
  operation: FileOperation;
  /** envd user name; "" selects the sandbox's default user. */
  user: string;
  /** The sandbox's envd access token. */
  accessToken: string;
  /** Unix time (seconds) after which the link stops working. */
  expiration?: number | undefined;
}

/** Computes a `/files` signature. */
export function getSignature(input: SignatureInput): string {
  let raw = `${input.path}:${input.operation}:${input.user}:${input.accessToken}`;
  if (input.expiration !== undefined) raw += `:${input.expiration}`;
  const digest = createHash('sha256').update(raw, 'utf8').digest('base64');
  return `v1_${digest.replace(/=+$/, '')}`;
}
