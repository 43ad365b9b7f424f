/** Errors of the CLI layer; library errors come from src/client/errors.ts. */

/** Bad invocation: unknown flag, missing argument, prompt impossible without a terminal. Exit 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** The user cancelled (Ctrl-C, a declined confirmation where declining is a cancel). Exit 130. */
export class CancelError extends Error {
  override name = 'CancelError';
  constructor(message = 'cancelled') {
    super(message);
  }
}

/** Already reported to the user; only the exit code remains to be set. */
export class SilentError extends Error {
  override name = 'SilentError';
  constructor(readonly exitCode: number) {
    super(`exit ${exitCode}`);
  }
}

/**
 * exec/run/pty: the CLI failed before or around the remote process (exit 125), so a script can
 * tell it from the remote command's own exit codes.
 */
export class ExecError extends Error {
  override name = 'ExecError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/**
 * fs cp failed for a reason it can state: verification, a refusal, a helper process in the
 * sandbox that failed. Exit 1, reported as it is (not as an unexpected failure).
 */
export class CopyError extends Error {
  override name = 'CopyError';
}

/**
 * A git command in a sandbox failed: a conflict, not a repository, a rejected push. The message
 * carries git's own reason (its `fatal:`/`error:` lines). Exit 1.
 */
export class GitError extends Error {
  override name = 'GitError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** A local port could not be bound (`sandbox port-forward`): in use, or not allowed. Exit 1, reported as it is. */
export class LocalPortError extends Error {
  override name = 'LocalPortError';
}

/** The local backend cannot run here, for a reason it states (native Windows: use WSL2). Exit 1, reported as it is. */
export class LocalBackendError extends Error {
  override name = 'LocalBackendError';
}
