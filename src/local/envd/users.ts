/**
 * Which user a request acts as: HTTP Basic auth with the user name and an empty password (the
 * password is ignored, as in E2B's envd); no header means the sandbox's default user.
 */
import { ConnectError, Code } from '@connectrpc/connect';
import type { EnvdConfig, EnvdUser } from './config.js';

export interface ResolvedUser extends EnvdUser {
  name: string;
}

/** The user name in a Basic `Authorization` value, or undefined when absent or not Basic. */
export function basicUserName(header: string | null | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^Basic\s+(.+)$/i.exec(header.trim());
  if (!match) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon >= 0 ? decoded.slice(0, colon) : decoded;
}

/** Resolves a user by name (or the default); throws Connect `unauthenticated` like envd. */
export function resolveUser(config: EnvdConfig, name: string | undefined): ResolvedUser {
  const wanted = name || config.defaultUser;
  if (!wanted) throw new ConnectError('no user specified', Code.Unauthenticated);
  // own properties only: a name like "__proto__" must not find Object.prototype
  const user = Object.hasOwn(config.users, wanted) ? config.users[wanted] : undefined;
  if (!user) throw new ConnectError(`invalid username: '${wanted}'`, Code.Unauthenticated);
  return { name: wanted, ...user };
}
