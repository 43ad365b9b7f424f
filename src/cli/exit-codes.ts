/**
 * The exit codes of e2b-ts, in one place (design.md's table). Only main.ts turns errors into
 * these numbers.
 */
import {
  AbortError,
  AuthenticationError,
  InvalidArgumentError,
  NotEnoughSpaceError,
  NotFoundError,
  RateLimitError,
  TimeoutError,
  VolumeError,
  VolumeNotFoundError,
  VolumePathNotFoundError,
} from '../client/errors.js';
import { CancelError, ExecError, SilentError, UsageError } from './errors.js';

export const ExitCode = {
  OK: 0,
  /** Runtime error not listed below. */
  ERROR: 1,
  /** Usage error. */
  USAGE: 2,
  /** Sandbox, file, template, volume or snapshot not found. */
  NOT_FOUND: 3,
  /** Authentication or permission error. */
  AUTH: 4,
  TIMEOUT: 5,
  /** Rate limited, or not enough space/quota. */
  LIMIT: 6,
  /** exec/run/pty: the CLI failed before or around the remote process. */
  EXEC_FAILED: 125,
  /** Interrupted by the user. */
  INTERRUPTED: 130,
} as const;

/** The exit code an error ends the CLI with. */
export function exitCodeFor(error: unknown): number {
  if (error instanceof SilentError) return error.exitCode;
  if (error instanceof ExecError) return ExitCode.EXEC_FAILED;
  if (error instanceof UsageError || error instanceof InvalidArgumentError) return ExitCode.USAGE;
  if (error instanceof CancelError || error instanceof AbortError) return ExitCode.INTERRUPTED;
  if (error instanceof NotFoundError || error instanceof VolumeNotFoundError || error instanceof VolumePathNotFoundError) return ExitCode.NOT_FOUND;
  // a volume name or path the API refused as invalid
  if (error instanceof VolumeError && error.status === 400) return ExitCode.USAGE;
  if (error instanceof AuthenticationError) return ExitCode.AUTH;
  if (error instanceof TimeoutError) return ExitCode.TIMEOUT;
  if (error instanceof RateLimitError || error instanceof NotEnoughSpaceError) return ExitCode.LIMIT;
  return ExitCode.ERROR;
}
