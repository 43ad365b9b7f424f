/**
 * Where the local backend keeps its state, shared by the daemon and the CLI that finds it.
 *
 * `E2B_TS_HOME` wins (tests give every run its own); else `$XDG_STATE_HOME/e2b-ts/local`, else
 * `~/.local/state/e2b-ts/local` (`%LOCALAPPDATA%\e2b-ts\local` on Windows).
 */
import { homedir } from 'node:os';
import { join } from 'node:path';

type Env = Record<string, string | undefined>;

/** Root of the local backend's state. */
export function stateRoot(env: Env = process.env): string {
  if (env.E2B_TS_HOME) return join(env.E2B_TS_HOME);
  if (env.XDG_STATE_HOME) return join(env.XDG_STATE_HOME, 'e2b-ts', 'local');
  if (process.platform === 'win32' && env.LOCALAPPDATA) return join(env.LOCALAPPDATA, 'e2b-ts', 'local');
  return join(homedir(), '.local', 'state', 'e2b-ts', 'local');
}

/** The files and folders under the state root. */
export interface StatePaths {
  root: string;
  /** API key of the local backend, mode 0600. */
  apiKey: string;
  /** Written by a running daemon: pid, port, version. */
  daemon: string;
  /** Held while a daemon is starting, so two CLIs don't start two daemons. */
  startLock: string;
  /** The daemon's own log. */
  log: string;
  sandboxes: string;
  templates: string;
  /** Volumes: one opaque folder each (daemon/volumes.ts). */
  volumes: string;
  /** Signs volume-content tokens; only the daemon reads it. */
  volumeKey: string;
  /** envd's listening sockets: only the daemon reaches them (runtime/socket.ts). */
  sockets: string;
}

export function statePaths(root: string = stateRoot()): StatePaths {
  return {
    root,
    apiKey: join(root, 'api-key'),
    daemon: join(root, 'daemon.json'),
    startLock: join(root, 'daemon.lock'),
    log: join(root, 'daemon.log'),
    sandboxes: join(root, 'sandboxes'),
    templates: join(root, 'templates'),
    volumes: join(root, 'volumes'),
    volumeKey: join(root, 'volume-token-key'),
    sockets: join(root, 'sockets'),
  };
}

/** What a running daemon publishes about itself in `daemon.json`. */
export interface DaemonInfo {
  pid: number;
  port: number;
  host: string;
  version: string;
  startedAt: string;
  /** How sandboxes are isolated: `bubblewrap` or `unisolated`. */
  runtime: string;
}

/** Default port of `local start`; when taken, the daemon picks a free one and publishes it. */
export const DEFAULT_LOCAL_PORT = 49_982;
