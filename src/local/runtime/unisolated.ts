/**
 * The fallback runtime where bubblewrap is unavailable (macOS, Windows, locked-down Linux):
 * envd runs as a plain child process of the daemon, as the daemon's own user, and nothing stops
 * its processes from reading or writing the rest of the machine. It says so loudly.
 *
 * The model: a path means the host's path, to the file API and to processes alike. Without
 * namespaces a process cannot be made to see `/home/user` as some other folder, so the file API
 * does not pretend either (no path mapping: `/home/user/x` in `files.read` is the host's
 * /home/user/x, exactly what `cat /home/user/x` in the sandbox reads). What makes the sandbox its
 * own is where things start: each user's home is a real folder of the sandbox
 * (`<sandbox>/fs/home/user`, `<sandbox>/fs/root`), given to processes as HOME and as the default
 * cwd and reported by envd as the home, so `~`, relative paths and the default working folder
 * all land in the sandbox's folder; TMPDIR is the sandbox's `fs/tmp`.
 *
 * The trade-off: SDK code that names `/home/user/...` literally reaches the host's /home/user,
 * not the sandbox's home (write `~/...` or relative paths, or ask for the home); a template's
 * workdir under `/home/user` or `/root` is moved to the sandbox's own folder once, at start.
 *
 * Killing: every process gets a per-sandbox random marker in its environment
 * (SANDBOX_MARK_ENV), so `sandbox kill` finds the ones that left envd's process tree (`setsid`
 * plus a second fork) where no cgroup holds them; only a process that drops the variable on
 * purpose escapes.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { EnvdConfig, EnvdUser } from '../envd/config.js';
import { unisolatedShell } from '../platform.js';
import { createFreezer } from './freezer.js';
import { envdBundlePath, launch, SANDBOX_MARK_ENV } from './launch.js';
import { prepareSandboxFs, SANDBOX_PATH } from './bubblewrap.js';
import type { Runtime, SandboxProcess, SandboxSpec } from './types.js';

export const UNISOLATED_WARNING = 'sandboxes are NOT isolated: bubblewrap is unavailable, so sandbox processes run on this machine as your user';

export function createUnisolatedRuntime(): Runtime {
  return {
    name: 'unisolated',
    isolated: false,
    // processes know the sandbox's folder by its host path, so it cannot move under them.
    relocatable: false,
    description: `unisolated (${UNISOLATED_WARNING})`,
    async start(spec: SandboxSpec): Promise<SandboxProcess> {
      const { home, root, tmp } = prepareSandboxFs(spec.dir, false);
      const uid = process.getuid?.() ?? 0;
      const gid = process.getgid?.() ?? 0;
      const shell = unisolatedShell(process.platform, process.env);
      const userHome = join(home, 'user');
      const users: Record<string, EnvdUser> = {
        root: { uid, gid, home: root, shell },
        user: { uid, gid, home: userHome, shell },
      };
      const mark = randomBytes(16).toString('hex');
      const workdir = spec.envd.defaultWorkdir;
      const config: Omit<EnvdConfig, 'listen' | 'platformSecret'> = {
        ...spec.envd,
        ...(workdir !== undefined ? { defaultWorkdir: hostFolder(workdir, { '/home/user': userHome, '/root': root }) } : {}),
        // upload metadata stays where earlier versions kept it, beside the sandbox's files
        ...(process.platform === 'win32' ? {} : { runDir: spec.dir }),
        users,
        pathMap: [],
        processEnv: { TMPDIR: tmp, [SANDBOX_MARK_ENV]: mark },
        path: process.env.PATH ?? SANDBOX_PATH,
      };
      return launch({
        command: process.execPath,
        args: [envdBundlePath()],
        env: { PATH: config.path, [SANDBOX_MARK_ENV]: mark, ...(process.env.SystemRoot ? { SystemRoot: process.env.SystemRoot } : {}) },
        config,
        listener: await spec.sockets.listen(),
        freezer: createFreezer(spec.stateRoot, spec.hostKey),
        onLog: spec.onLog,
        mark,
      });
    },
  };
}

/** A template's workdir under a home it names by its sandbox path, moved to the sandbox's folder. */
function hostFolder(path: string, homes: Record<string, string>): string {
  for (const [sandbox, host] of Object.entries(homes)) {
    if (path === sandbox) return host;
    if (path.startsWith(`${sandbox}/`)) return host + path.slice(sandbox.length);
  }
  return path;
}
