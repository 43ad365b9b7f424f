/**
 * How the local backend's edge says that a sandbox's envd is being restarted (it died, and a
 * new one is starting on the same files): HTTP 503, E2B's proxy-style JSON body
 * (`{"sandboxId", "code": 503, "message": "...restarting..."}`) and a header that says it in a
 * way a Connect client can read too (connect-es does not read the body of a failed stream).
 *
 * src/protocol/ holds pure wire-level code shared by the client and the local backend.
 */

/** Response header naming the state of a sandbox that could not take a request. */
export const SANDBOX_STATE_HEADER = 'x-e2b-ts-sandbox-state';

/** Its value while envd restarts. */
export const RESTARTING = 'restarting';

/** Status of the answer. */
export const RESTARTING_STATUS = 503;

/** The message of the answer (it says "restarting", which clients without the header can match). */
export const RESTARTING_MESSAGE =
  'The sandbox is restarting: its envd stopped and is being started again on the same files (running processes were lost); retry in a moment';
