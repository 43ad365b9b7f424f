/**
 * Where the local backend runs, decided in one place.
 *
 * Native Windows is refused, with the way out: WSL2 runs the Linux backend as it is. The
 * decision (see the README's per-platform section): a Windows backend would need its own answer
 * to every part of a sandbox that builds on POSIX (commands are `/bin/bash -l -c` in the E2B
 * protocol, pause is SIGSTOP where no freezer exists, envd's socket is a unix socket, users and
 * modes are POSIX ones, `fs cp` runs `tar` in the sandbox), and a half-working one would fail in
 * ways that say less than this refusal does.
 */

/** Why the local backend cannot run on `platform`, in one line; undefined where it can. */
export function localBackendRefusal(platform: NodeJS.Platform = process.platform): string | undefined {
  if (platform === 'win32') {
    return 'the local backend does not run on native Windows: run e2b-ts inside WSL2 (`wsl --install`), where it runs as on Linux; E2B Cloud works from Windows as it is';
  }
  return undefined;
}

/**
 * The login shell of the unisolated runtime's users: the user's own (`$SHELL`) on macOS, where
 * it is zsh and `/bin/sh` would read none of the user's set-up; `/bin/sh` elsewhere. Commands
 * from E2B's SDKs name `/bin/bash` themselves (macOS ships it), so this is what `sudo -s` and
 * the SHELL variable give.
 */
export function unisolatedShell(platform: NodeJS.Platform, env: Record<string, string | undefined>): string {
  if (platform === 'win32') return 'cmd.exe';
  if (platform === 'darwin') return env.SHELL?.startsWith('/') ? env.SHELL : '/bin/bash';
  return '/bin/sh';
}
