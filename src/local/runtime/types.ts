/**
 * How a sandbox's process tree is run. A runtime starts envd for a sandbox and gives back a
 * handle the daemon uses to wait for it, freeze it, and kill it.
 */
import type { EnvdConfig } from '../envd/config.js';
import type { CgroupUsage, SandboxLimits } from './cgroup.js';
import type { EgressPolicy } from './network.js';
import type { SocketDir } from './socket.js';

/** What a runtime needs to start one sandbox. */
export interface SandboxSpec {
  sandboxId: string;
  /** The sandbox's state folder (`<state>/sandboxes/<opaque name>`). */
  dir: string;
  /** Root of the local backend's state, hidden from inside the sandbox. */
  stateRoot: string;
  /** Where envd's listening socket is made (never inside the sandbox). */
  sockets: SocketDir;
  /**
   * A name for host-side resources of the sandbox that other local users can see (cgroups):
   * not the sandbox ID, which would let them address an unsecured sandbox.
   */
  hostKey: string;
  allowInternetAccess: boolean;
  /**
   * What the sandbox may reach, where the runtime enforces rules (bubblewrap); derived from
   * allowInternetAccess and E2B's allowOut/denyOut. Without it: internet as allowInternetAccess says.
   */
  egress?: EgressPolicy;
  /** Template layers to stand on, highest first (runtimes that mount layers; others get them copied). */
  layers?: string[];
  /** Volume folders to bind read-write into the sandbox (runtimes with `mountsVolumes`). */
  volumes?: Array<{ source: string; target: string }>;
  /** envd's configuration; the runtime fills in socket path, users and path mapping. */
  envd: Omit<EnvdConfig, 'listen' | 'runDir' | 'platformSecret' | 'users' | 'pathMap' | 'path'>;
  /** Receives envd's log lines (its stderr). */
  onLog: (line: string) => void;
}

/** How a sandbox's root process ended (as Node's `exit` event reports it). */
export interface SandboxExit {
  code: number | null;
  signal: string | null;
}

/** A started sandbox. */
export interface SandboxProcess {
  /** Host pid of the top of the sandbox's process tree. */
  readonly pid: number;
  /** Host path of envd's unix socket, in the daemon's own folder. */
  readonly socketPath: string;
  /** The secret envd wants on platform-only routes (`/init`), in `X-E2b-Ts-Platform`. */
  readonly platformSecret: string;
  /** Resolves when envd accepts connections; rejects if it died first. */
  readonly ready: Promise<void>;
  /** Resolves when the process tree's root has ended, with how it ended. */
  readonly exited: Promise<SandboxExit>;
  /** Stops every process of the sandbox. */
  kill(): Promise<void>;
  /**
   * How {@link freeze} holds the processes: a cgroup freezer (they notice nothing), or SIGSTOP
   * to each (`signals`: a shell's job control and a debugger see it). Runtimes that leave it
   * out are reported as freezing.
   */
  readonly freezeKind?: 'cgroup-v2' | 'cgroup-v1' | 'signals';
  /** Holds every process of the sandbox; rejects unless every one was held. */
  freeze(): Promise<void>;
  thaw(): Promise<void>;
  /**
   * Writes cpu, memory and process limits into the sandbox's cgroup (possible at any time, so a
   * warm spare gets its template's limits when it is taken); returns what could not be set.
   * Nothing is written where the machine cannot enforce limits.
   */
  applyLimits(limits: SandboxLimits): string[];
  /** Resource usage from the sandbox's cgroup; undefined without one. */
  usage(): CgroupUsage | undefined;
  /** Replaces the sandbox's egress rules while it runs (runtimes that enforce them). */
  setEgress?(policy: EgressPolicy): Promise<void>;
}

/** A way of running sandboxes. */
export interface Runtime {
  /** `bubblewrap` or `unisolated`. */
  readonly name: string;
  /** False when sandbox processes run directly on the host. */
  readonly isolated: boolean;
  /** A line for people explaining what isolation they get (warnings included). */
  readonly description: string;
  /**
   * Whether a started sandbox keeps working when its host folder is renamed (true when its
   * paths are mount points inside the isolation). Such runtimes can keep a warm spare.
   */
  readonly relocatable: boolean;
  /**
   * Top-level folders of a sandbox's files (`fs/<name>`) that are overlay upper layers while it
   * runs: nothing may write into them then (a warm spare cannot be seeded with files there).
   */
  readonly overlayDirs?: readonly string[];
  /** Whether the runtime binds volumes into sandboxes (`SandboxSpec.volumes`). */
  readonly mountsVolumes?: boolean;
  /** Whether sandboxes' egress rules (allowOut, denyOut, no internet) are enforced, live. */
  readonly enforcesEgress?: boolean;
  start(spec: SandboxSpec): Promise<SandboxProcess>;
}
