/**
 * Wire facts of envd and of the edge in front of it (E2B's client-proxy, or the local backend's
 * daemon): the port, and the header names a client sends and the servers read. The client and
 * the local backend both import them from here, so the two sides cannot drift apart.
 *
 * src/protocol/ holds pure wire-level code shared by the client and the local backend.
 */

/** The port envd listens on in every sandbox; also what names envd in `E2b-Sandbox-Port` and in `49983-<id>.<domain>` hosts. */
export const ENVD_PORT = 49983;

/** Names the sandbox a request is for (the edge routes by it). Header names are lower case, as Node gives them. */
export const SANDBOX_ID_HEADER = 'e2b-sandbox-id';

/** Names the port inside the sandbox a request is for (envd's, or a user port). */
export const SANDBOX_PORT_HEADER = 'e2b-sandbox-port';

/** Carries a secured sandbox's envd access token. */
export const ACCESS_TOKEN_HEADER = 'x-access-token';

/** Carries the API key (control plane, and the local backend's TCP port endpoint). */
export const API_KEY_HEADER = 'x-api-key';

/** Carries a sandbox's traffic access token to its user ports (sandboxes with `allowPublicTraffic: false`). */
export const TRAFFIC_TOKEN_HEADER = 'e2b-traffic-access-token';

/** Asks envd for keepalive messages on a server stream, every this many seconds. */
export const KEEPALIVE_PING_HEADER = 'keepalive-ping-interval';
