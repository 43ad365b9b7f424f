/**
 * What every `git` verb shares: the `--user` and `--timeout` options, the sandbox lookup, the
 * call options of the library, and one GitRun per command that routes git's words to stderr,
 * its progress to a terminal, its failures into one line, and keeps secrets out of all of it.
 */
import { Option, type Command, type OptionValues } from '@commander-js/extra-typings';
import type { CommandFinished } from '../../../client/commands.js';
import { CommandExitError } from '../../../client/errors.js';
import type { GitRequestOpts } from '../../../client/git.js';
import type { Sandbox } from '../../../client/sandbox.js';
import type { Context } from '../../context.js';
import { CancelError, UsageError } from '../../errors.js';
import { describeAuth, type CredentialFlags, type GitAuth } from '../../git/credentials.js';
import { gitFailure } from '../../git/failure.js';
import { formatRepoLocation, parseRepoLocation, type RepoLocation } from '../../git/location.js';
import { Redactor } from '../../git/redact.js';
import { printJson } from '../../output.js';
import { commandTimeoutOption, userOption } from '../../flags.js';
import { sanitizeKeepLineBreaks } from '../../render/sanitize.js';

export { formatRepoLocation, parseRepoLocation, type RepoLocation };

/** Options of every git verb. */
export interface GitCommonOptions {
  /** Sandbox user git runs as; relative paths are relative to their home. */
  user?: string;
  /** Deadline of each git call in ms; 0 for none. @default 0: a clone takes as long as it takes; Ctrl-C stops it. */
  timeoutMs: number;
}

/** Adds `--user` and `--timeout`. */
export function withCommonOptions<A extends unknown[], O extends OptionValues, G extends OptionValues>(command: Command<A, O, G>) {
  return command
    .addOption(userOption('sandbox user git runs as (relative paths are in their home; default: user)'))
    .addOption(commandTimeoutOption('stop git after this long: 90, 90s, 5m (default: no limit)'));
}

/** The common options from commander's parsed options. */
export function commonOptions(o: { user?: string; timeout?: number }): GitCommonOptions {
  return { timeoutMs: o.timeout ?? 0, ...(o.user ? { user: o.user } : {}) };
}

/** Adds `--username` and `--password-stdin` (clone, push, pull), and refuses `--password VALUE`. */
export function withCredentialOptions<A extends unknown[], O extends OptionValues, G extends OptionValues>(command: Command<A, O, G>) {
  return command
    .option('--username <user>', `username for HTTP(S) (default: $E2B_TS_GIT_USERNAME; with a token alone: x-access-token)`)
    .option('--password-stdin', 'read the password or token from stdin, first line (default: $E2B_TS_GIT_TOKEN)')
    .addOption(
      // Not a way in: caught so that `--password=VALUE` is refused without being echoed back.
      new Option('--password <password>').hideHelp().argParser(() => {
        throw new UsageError(
          'there is no --password: a password on the command line shows in ps and in shell history; pipe it to --password-stdin or set E2B_TS_GIT_TOKEN',
        );
      }),
    );
}

/** The credential flags from commander's parsed options. */
export function credentialFlags(o: { username?: string; passwordStdin?: boolean }): CredentialFlags {
  return { ...(o.username ? { username: o.username } : {}), ...(o.passwordStdin ? { passwordStdin: true } : {}) };
}

/** Help text shared by the verbs that take credentials. */
export const CREDENTIALS_HELP = `
Credentials (HTTP(S) remotes): --username or $E2B_TS_GIT_USERNAME; the password or token from
stdin with --password-stdin (its first line; asked for without echo when stdin is a terminal) or
$E2B_TS_GIT_TOKEN. A token without a username goes as x-access-token (GitHub's convention; other
hosts need --username). There is no --password flag. Credentials reach git through a pipe in the
sandbox: never a URL, a command line or .git/config.`;

/**
 * One git command's run: its sandbox, its call options, and everything it prints passed through
 * one Redactor.
 */
export class GitRun {
  readonly redactor = new Redactor();
  /** Whether a username and a password went to git (to word a refusal). */
  sentCredentials = false;

  constructor(
    readonly ctx: Context,
    /** The verb as typed (`clone`, `branch delete`), for messages. */
    readonly verb: string,
    readonly common: GitCommonOptions,
  ) {}

  /** The sandbox, looked up without touching its lifetime. */
  async sandbox(sandboxId: string): Promise<Sandbox> {
    return this.guard(() => this.ctx.sandbox(sandboxId));
  }

  /** Call options of the library: the user, the deadline, the interrupt signal. */
  call(): GitRequestOpts {
    return { timeoutMs: this.common.timeoutMs, signal: this.ctx.signal, ...(this.common.user ? { user: this.common.user } : {}) };
  }

  /** Takes the credentials in: their secret is redacted from now on. */
  useCredentials(auth: GitAuth): { username?: string; password?: string } {
    this.redactor.add(auth.password, auth.username);
    this.sentCredentials = Boolean(auth.username && auth.password);
    this.debug(describeAuth(auth));
    return { ...(auth.username ? { username: auth.username } : {}), ...(auth.password ? { password: auth.password } : {}) };
  }

  /** A --debug line, without secrets. */
  debug(line: string): void {
    this.ctx.debug(this.redactor.redact(line));
  }

  /**
   * git's progress meter for network verbs, on stderr while it runs: only on a terminal and
   * without --json (a pipe or a script gets git's messages after the end instead).
   */
  progress(): { onProgress?: (text: string) => void; streamed: boolean; flush(): void } {
    if (!this.ctx.io.isStderrTTY || this.ctx.globals.json) return { streamed: false, flush: () => {} };
    let pending = '';
    const out = (text: string) => {
      if (text) this.ctx.io.stderr.write(sanitizeKeepLineBreaks(this.redactor.redact(text)));
    };
    return {
      streamed: true,
      // Written by whole lines (git redraws its meter with \r), so a secret is never split across writes.
      onProgress: (text) => {
        pending += text;
        const cut = Math.max(pending.lastIndexOf('\n'), pending.lastIndexOf('\r'));
        if (cut < 0 && pending.length < 4096) return;
        const end = cut < 0 ? pending.length : cut + 1;
        out(pending.slice(0, end));
        pending = pending.slice(end);
      },
      flush: () => {
        out(pending);
        pending = '';
      },
    };
  }

  /** Runs a library call; its failures become the errors the CLI reports (git's reason, exit code of its class). */
  async guard<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      if (this.ctx.signal.aborted) throw new CancelError('interrupted');
      // --debug shows all git said; the error line keeps only its reason.
      const output = error instanceof CommandExitError ? error : error instanceof Error && error.cause instanceof CommandExitError ? error.cause : undefined;
      if (output?.stdout) this.debug(`git stdout:\n${sanitizeKeepLineBreaks(output.stdout).trimEnd()}`);
      if (output?.stderr) this.debug(`git stderr:\n${sanitizeKeepLineBreaks(output.stderr).trimEnd()}`);
      throw gitFailure(error, { verb: this.verb, redactor: this.redactor, sentCredentials: this.sentCredentials });
    }
  }

  /** git's own words (what it printed on stdout and stderr), for people on stderr. */
  say(text: string): void {
    const clean = sanitizeKeepLineBreaks(this.redactor.redact(text));
    if (!clean.trim()) return;
    this.ctx.io.stderr.write(clean.endsWith('\n') ? clean : `${clean}\n`);
  }

  /**
   * The end of a verb that only acts: with --json its result `{exitCode, stdout, stderr}` on
   * stdout; otherwise git's messages on stderr (its stderr only when not already streamed as
   * progress).
   */
  finish(result: CommandFinished, opts: { streamed?: boolean } = {}): void {
    if (this.ctx.globals.json) {
      printJson(this.ctx, this.resultJson(result));
      return;
    }
    this.say(result.stdout);
    if (!opts.streamed) this.say(result.stderr);
  }

  /** The library's CommandResult, redacted, for --json. */
  resultJson(result: CommandFinished): { exitCode: number; stdout: string; stderr: string } {
    return { exitCode: result.exitCode, stdout: this.redactor.redact(result.stdout), stderr: this.redactor.redact(result.stderr) };
  }
}

/** The repository folder of a verb that works in one: the location's path, or the home folder. */
export function repoPath(location: RepoLocation): string {
  return location.path ?? '.';
}
