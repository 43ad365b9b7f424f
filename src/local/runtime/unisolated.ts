/**
 * The fallback runtime where bubblewrap is unavailable (macOS, Windows, locked-down Linux):
 * envd runs as a plain child process of the daemon, as the daemon's own user. The sandbox's
 * `/home`, `/root` and `/tmp` are still its own folders (envd maps those paths), but nothing
 * stops its processes from reading or writing the rest of the machine. It says so loudly.
 */
import type { EnvdConfig, EnvdUser } from '../envd/config.js';
import { createFreezer } from './freezer.js';
import { envdBundlePath, launch } from './launch.js';
import { prepareSandboxFs, SANDBOX_PATH } from './bubblewrap.js';
import type { Runtime, SandboxProcess, SandboxSpec } from './types.js';

export const UNISOLATED_WARNING =
  'sandboxes are NOT isolated: bubblewrap is unavailable, so sandbox processes run on this machine as your user';

export function createUnisolatedRuntime(): Runtime {
  return {
    name: 'unisolated',
    isolated: false,
    // envd maps sandbox paths to host folders by name, so the folder cannot move under it.
    relocatable: false,
    description: `unisolated (${UNISOLATED_WARNING})`,
    async start(spec: SandboxSpec): Promise<SandboxProcess> {
      const { home, root, tmp } = prepareSandboxFs(spec.dir, false);
      const uid = process.getuid?.() ?? 0;
      const gid = process.getgid?.() ?? 0;
      const shell = process.platform === 'win32' ? 'cmd.exe' : '/bin/sh';
      const users: Record<string, EnvdUser> = {
        root: { uid, gid, home: '/root', shell },
        user: { uid, gid, home: '/home/user', shell },
      };
      const config: Omit<EnvdConfig, 'listen' | 'platformSecret'> = {
        ...spec.envd,
        // upload metadata stays where earlier versions kept it, beside the sandbox's files
        ...(process.platform === 'win32' ? {} : { runDir: spec.dir }),
        users,
        pathMap: [
          { sandbox: '/home', host: home },
          { sandbox: '/root', host: root },
          { sandbox: '/tmp', host: tmp },
        ],
        path: process.env.PATH ?? SANDBOX_PATH,
      };
      return launch({
        command: process.execPath,
        args: [envdBundlePath()],
        env: { PATH: config.path, ...(process.env.SystemRoot ? { SystemRoot: process.env.SystemRoot } : {}) },
        config,
        listener: await spec.sockets.listen(),
        freezer: createFreezer(spec.stateRoot, spec.hostKey),
        onLog: spec.onLog,
      });
    },
  };
}
