import { Code, ConnectError, createClient, createRouterTransport } from '@connectrpc/connect';
import { describe, expect, it } from 'vitest';
import { Filesystem } from '../../src/gen/envd/filesystem/filesystem_pb.js';
import { exitCodeFor } from '../../src/cli/exit-codes.js';
import { RESTARTING_MESSAGE } from '../../src/protocol/sandbox-state.js';
import {
  AbortError,
  AuthenticationError,
  BuildError,
  CommandExitError,
  FileNotFoundError,
  FileUploadError,
  GitAuthError,
  InvalidArgumentError,
  NotEnoughSpaceError,
  NotFoundError,
  RateLimitError,
  SandboxError,
  SandboxNotFoundError,
  SandboxRestartingError,
  TimeoutError,
  VolumeError,
  connectCodeName,
  errorFromApi,
  errorFromConnect,
  errorFromEnvdHttp,
  messageFromBody,
} from '../../src/client/errors.js';

describe('error tree', () => {
  it('keeps the official SDK subclass relations, all under SandboxError, with stable codes', () => {
    const cases: Array<[SandboxError, Array<abstract new (...args: never[]) => Error>, string]> = [
      [new SandboxNotFoundError('x'), [NotFoundError, SandboxError], 'E2B_SANDBOX_NOT_FOUND'],
      [new FileNotFoundError('x'), [NotFoundError, SandboxError], 'E2B_FILE_NOT_FOUND'],
      [new GitAuthError('x'), [AuthenticationError, SandboxError], 'E2B_GIT_AUTH'],
      [new FileUploadError('x'), [BuildError, SandboxError], 'E2B_FILE_UPLOAD'],
      [new VolumeError('x'), [SandboxError], 'E2B_VOLUME'],
      [new TimeoutError('x'), [SandboxError], 'E2B_TIMEOUT'],
    ];
    for (const [error, parents, code] of cases) {
      for (const parent of parents) expect(error).toBeInstanceOf(parent);
      expect(error.code).toBe(code);
      expect(error.name).toBe(error.constructor.name);
    }
    expect(new SandboxNotFoundError('x')).not.toBeInstanceOf(FileNotFoundError);
  });

  it('keeps the cause', () => {
    const cause = new Error('socket hang up');
    expect(new SandboxError('failed', { cause }).cause).toBe(cause);
  });

  it('CommandExitError carries the result', () => {
    const e = new CommandExitError({ exitCode: 3, error: 'exit status 3', stdout: 'o', stderr: 'e' });
    expect(e).toMatchObject({ exitCode: 3, stdout: 'o', stderr: 'e', message: 'exit status 3', code: 'E2B_COMMAND_EXIT' });
  });
});

describe('errorFromApi', () => {
  it.each([
    [400, InvalidArgumentError],
    [401, AuthenticationError],
    [403, AuthenticationError],
    [404, NotFoundError],
    [408, TimeoutError],
    [504, TimeoutError],
    [429, RateLimitError],
    [507, NotEnoughSpaceError],
    [500, SandboxError],
    [409, SandboxError],
  ])('%i → %o', (status, Cls) => {
    const error = errorFromApi(status, { code: status, message: 'detail' });
    expect(error).toBeInstanceOf(Cls);
    expect(error.status).toBe(status);
    expect(error.message).toContain('detail');
  });

  it('uses the call site classes for 404 and the fallback', () => {
    expect(errorFromApi(404, { message: 'x' }, { notFound: SandboxNotFoundError })).toBeInstanceOf(SandboxNotFoundError);
    expect(errorFromApi(500, 'boom', { fallback: BuildError })).toBeInstanceOf(BuildError);
    expect(errorFromApi(500, 'boom').message).toBe('500: boom');
  });

  it('keeps Retry-After on rate limits', () => {
    const e = errorFromApi(429, undefined, { retryAfterMs: 1500 }) as RateLimitError;
    expect(e.retryAfterMs).toBe(1500);
  });

  it('finds the message in JSON bodies, JSON text, and plain text', () => {
    expect(messageFromBody({ code: 1, message: 'm' })).toBe('m');
    expect(messageFromBody('{"message":"in text"}')).toBe('in text');
    expect(messageFromBody(' plain ')).toBe('plain');
    expect(messageFromBody('')).toBeUndefined();
    expect(messageFromBody('<html><head><title>502 Bad Gateway</title></head><body><h1>502</h1></body></html>')).toBe('502 Bad Gateway (HTML page)');
    expect(messageFromBody('<!DOCTYPE html><p>down  for\n maintenance</p>')).toBe('down for maintenance (HTML page)');
    expect(messageFromBody('x'.repeat(1000))!.length).toBeLessThan(310);
  });
});

describe('errorFromEnvdHttp', () => {
  it('maps the envd statuses, 404 by context', () => {
    expect(errorFromEnvdHttp(404, '{"code":404,"message":"nope"}', { filesystem: true })).toBeInstanceOf(FileNotFoundError);
    expect(errorFromEnvdHttp(404, 'nope')).not.toBeInstanceOf(FileNotFoundError);
    expect(errorFromEnvdHttp(502, 'gone')).toBeInstanceOf(TimeoutError);
    expect(errorFromEnvdHttp(507, 'full')).toBeInstanceOf(NotEnoughSpaceError);
    expect(errorFromEnvdHttp(401, 'x')).toBeInstanceOf(AuthenticationError);
    expect(errorFromEnvdHttp(418, 'x').message).toBe('418: x');
  });

  it('503 "restarting" from the local backend\'s edge is a SandboxRestartingError (exit 1), not a timeout (exit 5)', () => {
    const body = JSON.stringify({ sandboxId: 'isb', code: 503, message: RESTARTING_MESSAGE });
    for (const error of [
      errorFromEnvdHttp(503, body, { filesystem: true }),
      errorFromEnvdHttp(503, '{}', { headers: { 'x-e2b-ts-sandbox-state': 'restarting' } }),
    ]) {
      expect(error).toBeInstanceOf(SandboxRestartingError);
      expect(error).not.toBeInstanceOf(TimeoutError);
      expect(error.code).toBe('E2B_SANDBOX_RESTARTING');
      expect(error.status).toBe(503);
      expect(error.message).toMatch(/^the sandbox is restarting/);
      expect(exitCodeFor(error)).toBe(1);
    }
    // another 503 stays what it was
    expect(errorFromEnvdHttp(503, 'overloaded')).not.toBeInstanceOf(SandboxRestartingError);
  });
});

describe('errorFromConnect', () => {
  it('maps codes and honours overrides', () => {
    expect(errorFromConnect('not_found', 'm', null)).toBeInstanceOf(NotFoundError);
    expect(errorFromConnect('not_found', 'm', null, { not_found: (msg) => new FileNotFoundError(msg) })).toBeInstanceOf(FileNotFoundError);
    expect(errorFromConnect('deadline_exceeded', 'm', null)).toBeInstanceOf(TimeoutError);
    expect(errorFromConnect('unavailable', 'm', null)).toBeInstanceOf(TimeoutError);
    expect(errorFromConnect('unauthenticated', 'm', null)).toBeInstanceOf(AuthenticationError);
    expect(errorFromConnect('canceled', 'm', null)).toBeInstanceOf(AbortError);
    expect(errorFromConnect('resource_exhausted', 'm', null)).toBeInstanceOf(RateLimitError);
    expect(errorFromConnect('internal', 'm', null).message).toBe('internal: m');
  });

  it('a Connect failure whose answer was marked restarting is a SandboxRestartingError, whatever the overrides', () => {
    // connect-es keeps the failed answer's headers as the error's metadata
    const cause = Object.assign(new Error('HTTP 503'), { metadata: new Headers({ 'x-e2b-ts-sandbox-state': 'restarting' }) });
    const error = errorFromConnect('unavailable', 'HTTP 503', cause, { unavailable: () => new SandboxNotFoundError('x') });
    expect(error).toBeInstanceOf(SandboxRestartingError);
    expect(error.cause).toBe(cause);
    expect(errorFromConnect('unavailable', 'HTTP 503', Object.assign(new Error('HTTP 503'), { metadata: new Headers() }))).toBeInstanceOf(TimeoutError);
  });

  it('numbers follow the gRPC numbering', () => {
    expect(connectCodeName(5)).toBe('not_found');
    expect(connectCodeName(16)).toBe('unauthenticated');
    expect(connectCodeName(99)).toBe('unknown');
  });
});

describe('issue 15: messages a person can act on', () => {
  it("a Connect failure that only repeats its code says what happened, with the cause chain's codes", () => {
    // what connect-node makes of a connection reset mid-answer (node-error.js, connectErrorFromNodeReason):
    // Node's "aborted" (ECONNRESET) as code aborted, message "aborted"
    const reset = Object.assign(new Error('aborted'), { code: 'ECONNRESET' });
    const wire = new ConnectError('aborted', Code.Aborted, undefined, undefined, reset);
    const error = errorFromConnect(connectCodeName(wire.code), wire.rawMessage, wire);
    expect(error.message).toBe('the connection to the sandbox broke before the answer was complete (ECONNRESET); try again');
    expect(error.message).not.toMatch(/aborted/);
    expect(error.cause).toBe(wire);
    // the code name repeated, in the forms servers use
    for (const [code, message] of [
      ['internal', 'internal error'],
      ['internal', '[internal] internal'],
      ['unknown', ''],
      ['internal', 'HTTP 500'],
    ] as const) {
      const e = errorFromConnect(code, message, null);
      expect(e.message, `${code} "${message}"`).not.toMatch(/^(internal|unknown)\b/);
      expect(e.message).toMatch(/gave no reason/);
    }
  });

  it('the "internal error" a Connect server answers for a failure it did not expect becomes words, not "internal: internal error"', async () => {
    const transport = createRouterTransport(({ service }) => {
      service(Filesystem, {
        stat() {
          throw Object.assign(new Error("ELOOP: too many symbolic links, lstat '/host/path'"), { code: 'ELOOP' });
        },
      });
    });
    const wire = await createClient(Filesystem, transport)
      .stat({ path: '/x' })
      .then(
        () => undefined,
        (e: unknown) => e as ConnectError,
      );
    expect(wire?.rawMessage).toBe('internal error');
    const error = errorFromConnect(connectCodeName(wire!.code), wire!.rawMessage, wire);
    expect(error.message).toBe(
      "the sandbox's envd failed with an internal error and gave no reason; try again, and check the sandbox's logs if it keeps happening",
    );
    expect(error.cause).toBe(wire);
  });

  it("a server's own words are kept", () => {
    expect(errorFromConnect('internal', 'error statting file: lstat /a: too many levels of symbolic links', null).message).toBe(
      'internal: error statting file: lstat /a: too many levels of symbolic links',
    );
    expect(errorFromConnect('unavailable', 'connect ECONNREFUSED 127.0.0.1:1', null).message).toMatch(
      /^connect ECONNREFUSED 127\.0\.0\.1:1: the sandbox is not running/,
    );
    expect(errorFromConnect('unavailable', '', null).message).toBe('the sandbox is not running anymore (killed, paused or its timeout passed)');
    expect(errorFromApi(500, { code: 500, message: 'template build failed: disk full' }).message).toBe('500: template build failed: disk full');
  });

  it('a REST or envd HTTP answer that only repeats its status says what it means and what to do', () => {
    expect(errorFromApi(500, { code: 500, message: 'internal error' }).message).toBe(
      'the API failed with an internal error and gave no reason (HTTP 500 Internal Server Error); try again, and report it if it keeps happening',
    );
    expect(errorFromApi(503, 'Service Unavailable').message).toBe('the API is unavailable right now (HTTP 503 Service Unavailable); try again in a moment');
    expect(errorFromApi(502, '<html><head><title>502 Bad Gateway</title></head></html>').message).toMatch(
      /^the API is unavailable right now \(HTTP 502 Bad Gateway\)/,
    );
    expect(errorFromApi(409, undefined).message).toBe('the API refused the request and gave no reason (HTTP 409 Conflict)');
    expect(errorFromEnvdHttp(500, '').message).toBe(
      "the sandbox's envd failed with an internal error and gave no reason (HTTP 500 Internal Server Error); try again, and report it if it keeps happening",
    );
    expect(errorFromEnvdHttp(502, '').message).toBe('the sandbox is not running anymore (killed, paused or its timeout passed)');
    // the status and body stay reachable for scripts
    expect(errorFromApi(500, { code: 500, message: 'internal error' })).toMatchObject({
      status: 500,
      cause: { status: 500, body: { code: 500, message: 'internal error' } },
    });
  });
});
