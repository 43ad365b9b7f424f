/**
 * Opening a URL in the user's browser, for `auth login`. `BROWSER` names the program to use
 * (the convention gh, git and Python's webbrowser follow); otherwise the platform's opener:
 * `open` on macOS, `start` on Windows, `xdg-open` on Linux when there is a display.
 */
import { spawn } from 'node:child_process';

type Env = Record<string, string | undefined>;

/** The program and arguments that open `url`, or undefined when this machine has no way to. */
export function browserCommand(url: string, env: Env, platform: NodeJS.Platform = process.platform): { command: string; args: string[] } | undefined {
  const chosen = (env.BROWSER ?? '').trim();
  if (chosen) return { command: chosen, args: [url] };
  if (platform === 'darwin') return { command: 'open', args: [url] };
  // `start` treats its first quoted argument as a window title, and cmd reads & as a separator
  if (platform === 'win32') return { command: 'cmd', args: ['/c', 'start', '""', url.replace(/&/g, '^&')] };
  // over SSH or in a container there is no display: xdg-open would fall back to a text browser
  // in the middle of our output, or fail after a delay
  if (!env.DISPLAY && !env.WAYLAND_DISPLAY) return undefined;
  return { command: 'xdg-open', args: [url] };
}

/**
 * Starts the browser on `url` and returns whether it started. The browser is detached: it may
 * outlive the CLI, and the CLI never waits for it.
 */
export function openBrowser(url: string, env: Env): Promise<boolean> {
  const how = browserCommand(url, env);
  if (!how) return Promise.resolve(false);
  return new Promise((resolve) => {
    try {
      const child = spawn(how.command, how.args, { stdio: 'ignore', detached: true, env: env as NodeJS.ProcessEnv, windowsHide: true });
      child.once('error', () => resolve(false));
      child.once('spawn', () => {
        child.unref();
        resolve(true);
      });
    } catch {
      resolve(false);
    }
  });
}
