/**
 * Issue 15: envd's Connect services answer a failure no handler mapped with its reason, not with
 * connect-es's bare `internal` "internal error" (which the client can only call "no reason").
 */
import { Code, ConnectError, createClient, createRouterTransport, type ConnectRouter } from '@connectrpc/connect';
import { describe, expect, it } from 'vitest';
import { Filesystem } from '../../src/gen/envd/filesystem/filesystem_pb.js';
import { keepReasons } from '../../src/local/envd/keep-reasons.js';

/** What Node throws for a loop of links: its message names the host path, which must not leak. */
const loop = () => Object.assign(new Error("ELOOP: too many symbolic links encountered, lstat '/var/lib/host/secret/a'"), { code: 'ELOOP', errno: -40 });

function routes(router: ConnectRouter): void {
  router.service(Filesystem, {
    stat() {
      throw loop();
    },
    move() {
      throw new ConnectError('mapped by its handler', Code.FailedPrecondition);
    },
    async *watchDir() {
      yield { event: { case: 'start', value: {} } };
      throw loop();
    },
  });
}

async function failure(call: () => Promise<unknown>): Promise<ConnectError> {
  try {
    await call();
  } catch (error) {
    return ConnectError.from(error);
  }
  throw new Error('the call succeeded');
}

describe('keepReasons', () => {
  const client = createClient(Filesystem, createRouterTransport(routes, { router: { interceptors: [keepReasons] } }));

  it("a unary failure keeps its reason, in Go's words and without the host path", async () => {
    const error = await failure(() => client.stat({ path: '/a' }));
    expect(error.code).toBe(Code.Internal);
    expect(error.rawMessage).toBe('too many levels of symbolic links');
    // without the interceptor, connect-es says nothing more than the code
    const bare = await failure(() => createClient(Filesystem, createRouterTransport(routes)).stat({ path: '/a' }));
    expect(bare.rawMessage).toBe('internal error');
  });

  it('a failure in the middle of a stream keeps its reason too', async () => {
    const events: string[] = [];
    const error = await failure(async () => {
      for await (const message of client.watchDir({ path: '/a' })) events.push(String(message.event.case));
    });
    expect(events).toEqual(['start']);
    expect(error.code).toBe(Code.Internal);
    expect(error.rawMessage).toBe('too many levels of symbolic links');
  });

  it('errors the handlers mapped pass unchanged', async () => {
    const error = await failure(() => client.move({ source: '/a', destination: '/b' }));
    expect(error.code).toBe(Code.FailedPrecondition);
    expect(error.rawMessage).toBe('mapped by its handler');
  });
});
