/**
 * A Connect interceptor for envd's services: connect-es answers any failure that is not a
 * ConnectError as `internal` "internal error", which leaves the client nothing to tell its user
 * (issue 15). This answers such a failure with its reason instead, as Go's envd answers its
 * unexpected errors with their text.
 */
import { Code, ConnectError, type Interceptor } from '@connectrpc/connect';
import { errnoText } from './errno.js';

/** A failure a handler did not map: its reason in Go's words, without the host paths Node adds. */
function withReason(error: unknown): unknown {
  if (error instanceof ConnectError) return error;
  return new ConnectError(errnoText(error), Code.Internal, undefined, undefined, error);
}

/** Keeps the reason of unmapped failures, in unary answers and in streams (also mid-stream). */
export const keepReasons: Interceptor = (next) => async (req) => {
  try {
    const res = await next(req);
    if (!res.stream) return res;
    const messages = res.message;
    return {
      ...res,
      message: (async function* () {
        try {
          yield* messages;
        } catch (error) {
          throw withReason(error);
        }
      })(),
    };
  } catch (error) {
    throw withReason(error);
  }
};
