/**
 * Credentials of `git clone`, `push` and `pull`: a username from `--username` or
 * E2B_TS_GIT_USERNAME, a password or token from stdin (`--password-stdin`) or E2B_TS_GIT_TOKEN.
 * A password is never a flag's value: flags show in `ps` and in shell history.
 *
 * A token without any username goes with the username `x-access-token`, which GitHub accepts
 * for every kind of token; other hosts (GitLab: `oauth2`, Bitbucket: `x-token-auth`, or the
 * account name) need `--username` or E2B_TS_GIT_USERNAME.
 */
import type { Readable } from 'node:stream';
import type { Context } from '../context.js';
import { UsageError } from '../errors.js';

/** The username that goes with a token given without one (GitHub's convention). */
export const TOKEN_USERNAME = 'x-access-token';

/** The environment variables read for credentials. */
export const GIT_ENV = { username: 'E2B_TS_GIT_USERNAME', token: 'E2B_TS_GIT_TOKEN' } as const;

/** Longest password line read from stdin; more is not a password but the wrong input. */
const MAX_PASSWORD_BYTES = 64 * 1024;

export interface CredentialFlags {
  username?: string;
  /** Read the password from stdin (its first line). */
  passwordStdin?: boolean;
}

export interface GitAuth {
  username?: string;
  password?: string;
  /** Where the username came from (`--username`, the variable, or the token default), for --debug. */
  usernameFrom?: string;
  /** Where the password came from, for --debug and messages (never the password). */
  passwordFrom?: string;
  /** Nothing came from flags: the credentials (if any) are the environment's. */
  fromEnvironmentOnly: boolean;
}

/**
 * Resolves the credentials of one command. `what` names what they are for in a prompt (the
 * repository's URL or the verb).
 */
export async function resolveGitAuth(ctx: Context, flags: CredentialFlags, what: string): Promise<GitAuth> {
  const envToken = nonEmpty(ctx.env[GIT_ENV.token]);
  const envUsername = nonEmpty(ctx.env[GIT_ENV.username]);
  const auth: GitAuth = { fromEnvironmentOnly: !flags.username && !flags.passwordStdin };
  if (flags.passwordStdin) {
    auth.password = await readPassword(ctx, what);
    auth.passwordFrom = ctx.io.isStdinTTY ? 'the prompt' : '--password-stdin';
  } else if (envToken) {
    auth.password = envToken;
    auth.passwordFrom = GIT_ENV.token;
  }
  if (flags.username) [auth.username, auth.usernameFrom] = [flags.username, '--username'];
  else if (envUsername) [auth.username, auth.usernameFrom] = [envUsername, GIT_ENV.username];
  else if (auth.password) [auth.username, auth.usernameFrom] = [TOKEN_USERNAME, 'the default for a token without a username'];
  return auth;
}

/** A line for --debug saying where the credentials came from, never what they are. */
export function describeAuth(auth: GitAuth): string {
  if (!auth.username && !auth.password) return 'credentials: none';
  const user = auth.username ? `username "${auth.username}" (from ${auth.usernameFrom})` : 'no username';
  const password = auth.password ? `a password from ${auth.passwordFrom}` : 'no password';
  return `credentials: ${user}, ${password}`;
}

/**
 * `--password-stdin`: the first line of stdin without its line ending, as `docker login
 * --password-stdin` reads it. On a terminal it is asked for without echo when prompting is
 * possible; otherwise (--no-input, stderr not a terminal) it is a usage error, never a wait for
 * input nobody is asked for.
 */
async function readPassword(ctx: Context, what: string): Promise<string> {
  let password: string;
  if (ctx.io.isStdinTTY) {
    if (!ctx.io.canPrompt()) {
      throw new UsageError(
        `--password-stdin reads the password from a pipe, and stdin is a terminal: pipe it in (printf '%s' "$TOKEN" | e2b-ts git ... --password-stdin) or set ${GIT_ENV.token}`,
      );
    }
    password = await ctx.prompter.password(`Password or token for ${what}`);
  } else {
    password = await readFirstLine(ctx.io.stdin);
  }
  if (password === '') throw new UsageError('--password-stdin: no password on stdin (its first line is empty)');
  return password;
}

/** The first line of a stream, without `\n` or `\r\n`; stops reading there. */
export async function readFirstLine(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  // Leaving the loop early destroys the stream: nothing after the first line is wanted.
  for await (const chunk of stream) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    const newline = bytes.indexOf(0x0a);
    chunks.push(newline < 0 ? bytes : bytes.subarray(0, newline));
    size += bytes.length;
    if (newline >= 0) break;
    if (size > MAX_PASSWORD_BYTES) throw new UsageError('--password-stdin: the first line of stdin is too long to be a password');
  }
  const line = Buffer.concat(chunks).toString('utf8');
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
