/**
 * Git's failures as one line for people: the library's errors (GitAuthError, GitUpstreamError,
 * CommandExitError) carry git's output, and the line says what git said, not "command exited
 * with code 128". Pure: the errors in, the error to throw out.
 */
import { CommandExitError, GitAuthError, GitUpstreamError, SandboxError } from '../../client/errors.js';
import { GitError } from '../errors.js';
import { sanitize } from '../render/sanitize.js';
import type { Redactor } from './redact.js';
import { GIT_ENV } from './credentials.js';

/** What git printed, as a CommandExitError (or a finished command) carries it. */
export interface GitOutput {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Most lines of git's own words one message takes. */
const MAX_REASON_LINES = 4;

const lines = (text: string) =>
  text
    .split(/\r\n|\r|\n/)
    .map((l) => l.trimEnd())
    .filter((l) => l.trim() !== '');

/** Lines that state why git failed: `fatal:`, `error:`, a refused ref (` ! [rejected]`), a conflict. */
const isReason = (line: string) => /^(fatal|error):/i.test(line) || /^\s*!\s+\[/.test(line) || /^CONFLICT\b/.test(line);

/**
 * Git's reason for a failure, one line: its `fatal:`/`error:`/` ! [rejected]`/`CONFLICT` lines in
 * order; without any, its last line on stderr (hints skipped), then on stdout ("nothing to
 * commit, working tree clean"); at worst the exit code.
 */
export function gitReason(output: GitOutput): string {
  const all = [...lines(output.stderr), ...lines(output.stdout)];
  const picked = [...new Set(all.filter(isReason).map((l) => l.trim()))].slice(0, MAX_REASON_LINES);
  if (picked.length > 0) return picked.join('; ');
  const last = (text: string) =>
    lines(text)
      .filter((l) => !/^hint:/i.test(l))
      .pop()
      ?.trim();
  return last(output.stderr) ?? last(output.stdout) ?? `git exited with code ${output.exitCode}`;
}

/** Git's reason for refused credentials: its last `fatal:` or `remote:` line (the server's words). */
export function authReason(output: GitOutput): string {
  const picked = lines(output.stderr).filter((l) => /^(fatal|remote):/i.test(l.trim()));
  return picked.length > 0 ? picked[picked.length - 1]!.trim() : gitReason(output);
}

export interface FailureContext {
  /** The verb as people type it: `clone`, `push`, `branch delete`. */
  verb: string;
  redactor: Redactor;
  /** Whether a username and a password went to git (refused ones, then, rather than missing). */
  sentCredentials?: boolean;
}

const outputOf = (error: unknown): GitOutput | undefined => (error instanceof CommandExitError ? error : undefined);

/** The error to report for a failure of a git call (unknown errors pass through unless they hold a secret). */
export function gitFailure(error: unknown, c: FailureContext): unknown {
  const clean = (text: string) => sanitize(c.redactor.redact(text)).trim();
  const withReason = (text: string, output: GitOutput | undefined, reason: (o: GitOutput) => string) => (output ? `${text}: ${clean(reason(output))}` : text);
  const verb = `git ${c.verb}`;

  if (error instanceof GitAuthError) {
    const text = c.sentCredentials
      ? `${verb}: the server refused the credentials`
      : `${verb}: the repository needs credentials (--username with --password-stdin, or ${GIT_ENV.token})`;
    return new GitAuthError(withReason(text, outputOf(error.cause), authReason), { cause: error });
  }
  if (error instanceof GitUpstreamError) {
    const text =
      c.verb === 'push'
        ? `${verb}: the branch has no upstream branch; name the remote with --remote (its upstream is then set, unless --no-set-upstream)`
        : `${verb}: the branch has no upstream branch; name the remote and branch with --remote and --branch`;
    return new GitUpstreamError(withReason(text, outputOf(error.cause), gitReason), { cause: error });
  }
  if (error instanceof CommandExitError) {
    return new GitError(`${verb}: ${clean(gitReason(error))}`, { cause: error });
  }
  if (error instanceof Error && c.redactor.holdsSecret(`${error.message}\n${error.stack ?? ''}`)) {
    // Its message or stack would show a secret: report it without them (the class keeps its exit code).
    const message = clean(error.message);
    if (error instanceof SandboxError) return new (error.constructor as new (message: string) => SandboxError)(message);
    return new GitError(message);
  }
  return error;
}
