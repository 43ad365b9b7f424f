/**
 * What the daemon tells a sandbox's envd when it starts it (a JSON document on envd's stdin, so
 * the access token never sits in an environment that child processes would inherit).
 */

/** A user envd can run processes as. */
export interface EnvdUser {
  uid: number;
  gid: number;
  /** Home directory as processes in the sandbox see it. */
  home: string;
  /** Login shell. */
  shell: string;
}

/** Maps a path as the sandbox sees it to where it lives on the host (unisolated runtime only). */
export interface PathMapping {
  sandbox: string;
  host: string;
}

export interface EnvdConfig {
  sandboxId: string;
  templateId: string;
  /**
   * What envd listens on: a listening socket it inherits (the daemon binds it where nothing in
   * the sandbox can reach its path; see runtime/socket.ts), or a named pipe on Windows.
   */
  listen: { fd: number } | { path: string };
  /** envd's private folder for its own state (upload metadata); none on Windows. */
  runDir?: string;
  /**
   * Required in `X-E2b-Ts-Platform` on platform-only routes (`/init`): a secret only the daemon
   * holds, made afresh for every start of envd, so no request from outside can reach them
   * whatever path tricks it plays at the edge.
   */
  platformSecret: string;
  /** Required in X-Access-Token when set (secured sandboxes). */
  accessToken?: string;
  /** Sandbox-wide environment variables (create-time envVars). */
  envVars: Record<string, string>;
  /** User of requests that name none. */
  defaultUser: string;
  /** Working directory of processes that name none; else the user's home. */
  defaultWorkdir?: string;
  users: Record<string, EnvdUser>;
  /** Empty when envd runs inside the isolation (paths are real); host folders otherwise. */
  pathMap: PathMapping[];
  /**
   * More environment every process gets, before its own (unisolated runtime: TMPDIR, and the
   * marker by which the daemon finds every process of the sandbox to kill it).
   */
  processEnv?: Record<string, string>;
  /** PATH given to processes. */
  path: string;
  /** Version envd reports. */
  version: string;
  /** Where envd serves the sandbox's `sudo` (sudo/protocol.ts); none where it cannot be private. */
  sudoSocket?: string;
}

/** Header carrying the daemon's secret on platform-only envd routes (see EnvdConfig.platformSecret). */
export const PLATFORM_HEADER = 'x-e2b-ts-platform';

/** The envd version the local backend reports: current upstream envd, so every SDK gate is open. */
export const ENVD_VERSION = '0.6.13';
