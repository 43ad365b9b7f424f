/**
 * The isolated runtime: each sandbox is a bubblewrap container. The host's `/` is mounted
 * read-only, `/home`, `/root` and `/tmp` are the sandbox's own folders, `/run` is private, the
 * sandbox has its own PID, IPC and UTS namespaces (and its own empty network namespace when
 * internet access is off), and it keeps only a container-like set of root capabilities.
 *
 * envd runs inside as root and starts processes as `user` (uid 1000) or `root`, so paths, users
 * and permissions behave as in an E2B sandbox without any translation.
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { chmodSync, chownSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { EnvdConfig, EnvdUser } from '../envd/config.js';
import { createFreezer } from './freezer.js';
import { envdBundlePath, launch } from './launch.js';
import type { Runtime, SandboxProcess, SandboxSpec } from './types.js';

/** The capabilities root keeps inside a sandbox (Docker's default set: no mount, no module loading). */
const KEPT_CAPS = [
  'CAP_CHOWN',
  'CAP_DAC_OVERRIDE',
  'CAP_FOWNER',
  'CAP_FSETID',
  'CAP_KILL',
  'CAP_SETGID',
  'CAP_SETUID',
  'CAP_SETPCAP',
  'CAP_NET_BIND_SERVICE',
  'CAP_NET_RAW',
  'CAP_SYS_CHROOT',
  'CAP_MKNOD',
  'CAP_AUDIT_WRITE',
  'CAP_SETFCAP',
];

export const SANDBOX_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const USER_UID = 1000;

/**
 * Host folder of the node-pty package, which envd loads for terminals. envd sees only its own
 * bundle and this package (mounted at /run/e2b-bin/node_modules/node-pty), never the rest of
 * the host's node_modules. Undefined when node-pty is not installed (PTYs then fail cleanly).
 */
function nodePtyDir(): string | undefined {
  try {
    return dirname(createRequire(import.meta.url).resolve('node-pty/package.json'));
  } catch {
    return undefined;
  }
}

/** Whether bubblewrap is installed and able to create a sandbox here. */
export function bubblewrapWorks(binary = 'bwrap'): boolean {
  if (process.platform !== 'linux') return false;
  const probe = spawnSync(binary, ['--ro-bind', '/', '/', '--unshare-pid', '--die-with-parent', '--dev', '/dev', 'true'], {
    stdio: 'ignore',
    timeout: 5000,
  });
  return probe.status === 0;
}

/** passwd/group of the sandbox: the host's system entries plus `user` (1000) and `root`. */
function accountFiles(dir: string): { passwd: string; group: string } {
  const read = (path: string) => {
    try {
      return readFileSync(path, 'utf8').split('\n').filter(Boolean);
    } catch {
      return [];
    }
  };
  const keep = (line: string, idField: number) => {
    const fields = line.split(':');
    return fields[0] !== 'user' && fields[0] !== 'root' && Number(fields[idField]) !== USER_UID;
  };
  const passwd = [
    'root:x:0:0:root:/root:/bin/bash',
    ...read('/etc/passwd').filter((l) => keep(l, 2)),
    `user:x:${USER_UID}:${USER_UID}:E2B sandbox user:/home/user:/bin/bash`,
  ];
  const group = ['root:x:0:', ...read('/etc/group').filter((l) => keep(l, 2)), `user:x:${USER_UID}:`];
  const etc = join(dir, 'etc');
  mkdirSync(etc, { recursive: true });
  writeFileSync(join(etc, 'passwd'), `${passwd.join('\n')}\n`);
  writeFileSync(join(etc, 'group'), `${group.join('\n')}\n`);
  return { passwd: join(etc, 'passwd'), group: join(etc, 'group') };
}

/** Creates the sandbox's own folders with the owners and modes a fresh E2B sandbox has. */
export function prepareSandboxFs(dir: string, privileged: boolean): { home: string; root: string; tmp: string } {
  const fs = join(dir, 'fs');
  const home = join(fs, 'home');
  const root = join(fs, 'root');
  const tmp = join(fs, 'tmp');
  mkdirSync(join(home, 'user'), { recursive: true });
  mkdirSync(root, { recursive: true });
  mkdirSync(tmp, { recursive: true });
  chmodSync(tmp, 0o1777);
  chmodSync(root, 0o700);
  if (privileged) chownSync(join(home, 'user'), USER_UID, USER_UID);
  return { home, root, tmp };
}

export function createBubblewrapRuntime(binary = 'bwrap'): Runtime {
  const privileged = process.getuid?.() === 0;
  return {
    name: 'bubblewrap',
    isolated: true,
    relocatable: true,
    description: privileged
      ? 'bubblewrap: read-only host, private /home /root /tmp /run, own PID/IPC/UTS namespaces'
      : 'bubblewrap (unprivileged): isolated, but user and root share one uid inside the sandbox',
    async start(spec: SandboxSpec): Promise<SandboxProcess> {
      const { home, root, tmp } = prepareSandboxFs(spec.dir, privileged);
      const run = join(spec.dir, 'run');
      mkdirSync(run, { recursive: true, mode: 0o700 });
      const accounts = accountFiles(spec.dir);
      const socketInside = '/run/e2b/envd.sock';
      const users: Record<string, EnvdUser> = privileged
        ? {
            root: { uid: 0, gid: 0, home: '/root', shell: '/bin/bash' },
            user: { uid: USER_UID, gid: USER_UID, home: '/home/user', shell: '/bin/bash' },
          }
        : {
            root: { uid: USER_UID, gid: USER_UID, home: '/root', shell: '/bin/bash' },
            user: { uid: USER_UID, gid: USER_UID, home: '/home/user', shell: '/bin/bash' },
          };
      const config: EnvdConfig = { ...spec.envd, socketPath: socketInside, users, pathMap: [], path: SANDBOX_PATH };
      const ptyDir = nodePtyDir();

      const args = [
        '--die-with-parent',
        '--new-session',
        '--unshare-pid',
        '--unshare-ipc',
        '--unshare-uts',
        '--hostname',
        'e2b',
        ...(spec.allowInternetAccess ? [] : ['--unshare-net']),
        ...(privileged ? [] : ['--unshare-user', '--uid', String(USER_UID), '--gid', String(USER_UID)]),
        '--ro-bind',
        '/',
        '/',
        '--dev',
        '/dev',
        '--proc',
        '/proc',
        '--tmpfs',
        '/run',
        '--bind',
        run,
        '/run/e2b',
        '--ro-bind',
        process.execPath,
        '/run/e2b-bin/node',
        '--ro-bind',
        envdBundlePath(),
        '/run/e2b-bin/envd.mjs',
        ...(ptyDir ? ['--ro-bind', ptyDir, '/run/e2b-bin/node_modules/node-pty'] : []),
        '--bind',
        home,
        '/home',
        '--bind',
        root,
        '/root',
        '--bind',
        tmp,
        '/tmp',
        '--ro-bind',
        accounts.passwd,
        '/etc/passwd',
        '--ro-bind',
        accounts.group,
        '/etc/group',
        // The state root holds the API key and every other sandbox's files.
        ...(hiddenAlready(spec.stateRoot) ? [] : ['--tmpfs', resolve(spec.stateRoot)]),
        ...(privileged ? ['--cap-drop', 'ALL', ...KEPT_CAPS.flatMap((c) => ['--cap-add', c])] : []),
        '--chdir',
        '/',
        '/run/e2b-bin/node',
        '/run/e2b-bin/envd.mjs',
      ];
      return launch({
        command: binary,
        args,
        env: { PATH: SANDBOX_PATH, LANG: 'C.UTF-8' },
        config,
        socketPath: join(run, 'envd.sock'),
        freezer: createFreezer(spec.stateRoot, spec.sandboxId),
        onLog: spec.onLog,
      });
    },
  };
}

/** Paths under folders the sandbox replaces anyway need no extra hiding (and no mount point). */
function hiddenAlready(path: string): boolean {
  const abs = resolve(path);
  return ['/home', '/root', '/tmp', '/run', '/proc', '/dev'].some((p) => abs === p || abs.startsWith(`${p}/`));
}
