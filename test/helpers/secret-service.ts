/**
 * A real Secret Service for keychain tests: a private D-Bus session bus (Debian's dbus-daemon)
 * with GNOME Keyring's secrets component on it, its login keyring created and unlocked with a
 * password given on stdin. Everything lives in a folder of the test's own and both daemons are
 * stopped by PID, so the machine's own keyring (if any) is never touched.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface SecretService {
  /** Environment that points a process at this Secret Service. */
  env: Record<string, string>;
  /** Where GNOME Keyring keeps its (encrypted) keyring files. */
  dataDir: string;
  /** Reads an e2b-ts entry straight from the Secret Service (not through the CLI): its text, or null. */
  read(account: string): string | null;
  stop(): Promise<void>;
}

const root = fileURLToPath(new URL('../..', import.meta.url));

function has(program: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${program}`], { stdio: 'ignore' }).status === 0;
}

function stopChild(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/**
 * A node script reading an entry through @napi-rs/keyring, as another program would; with
 * "--probe" it writes and deletes one instead, which needs the default (login) collection that
 * GNOME Keyring creates only after it has registered on the bus.
 */
const READER = `
const { Entry } = require(process.argv[1]);
const entry = new Entry(process.argv[3] === '--probe' ? 'e2b-ts-probe' : 'e2b-ts', process.argv[2], { linux: { store: 'secret-service' } });
if (process.argv[3] === '--probe') {
  entry.setPassword('probe');
  entry.deletePassword();
  process.stdout.write('null');
} else process.stdout.write(JSON.stringify(entry.getPassword() ?? null));
`;

/**
 * Starts the bus and the keyring in `dir`, or says why it cannot (missing programs, a daemon that
 * does not start): the caller prints the reason, and the file fallback is tested regardless.
 */
export async function startSecretService(dir: string): Promise<SecretService | { unavailable: string }> {
  if (process.platform !== 'linux') return { unavailable: `the Secret Service is a Linux (D-Bus) service; this is ${process.platform}` };
  const missing = ['dbus-daemon', 'gnome-keyring-daemon'].filter((p) => !has(p));
  if (missing.length) return { unavailable: `${missing.join(' and ')} not installed (Debian packages dbus-daemon, gnome-keyring)` };

  const home = join(dir, 'home');
  const dataDir = join(dir, 'data');
  const runtime = join(dir, 'run');
  for (const d of [home, dataDir, runtime]) mkdirSync(d, { recursive: true, mode: 0o700 });
  const address = `unix:path=${join(runtime, 'bus')}`;
  const baseEnv = { ...process.env, HOME: home, XDG_DATA_HOME: dataDir, XDG_RUNTIME_DIR: runtime, DBUS_SESSION_BUS_ADDRESS: address };

  // A bus of our own configuration: the session bus's standard one would start ("activate") a
  // second, locked GNOME Keyring for a client that asks before ours has registered.
  const busConfig = join(dir, 'bus.conf');
  writeFileSync(
    busConfig,
    `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN" "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>${address}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
`,
  );
  const bus = spawn('dbus-daemon', [`--config-file=${busConfig}`, '--nofork', '--nopidfile', '--print-address=1'], {
    env: baseEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let busOut = '';
  bus.stdout!.on('data', (d: Buffer) => (busOut += d.toString()));
  bus.stderr!.on('data', (d: Buffer) => (busOut += d.toString()));
  const busReady = await new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), 10_000);
    bus.stdout!.on('data', () => {
      if (busOut.includes('unix:')) {
        clearTimeout(timer);
        resolve(true);
      }
    });
    bus.once('exit', () => {
      clearTimeout(timer);
      resolve(false);
    });
  });
  if (!busReady) {
    await stopChild(bus);
    return { unavailable: `dbus-daemon did not start: ${busOut.trim() || 'no output'}` };
  }

  // --unlock reads the login keyring's password from stdin, creating the keyring on first use
  const keyring = spawn('gnome-keyring-daemon', ['--foreground', '--unlock', '--components=secrets'], { env: baseEnv, stdio: ['pipe', 'pipe', 'pipe'] });
  let keyringOut = '';
  keyring.stdout!.on('data', (d: Buffer) => (keyringOut += d.toString()));
  keyring.stderr!.on('data', (d: Buffer) => (keyringOut += d.toString()));
  keyring.stdin!.end('test-keyring-password');

  const env = { DBUS_SESSION_BUS_ADDRESS: address };
  const keyringModule = join(root, 'node_modules', '@napi-rs', 'keyring');
  const read = (account: string, probe = false): string | null => {
    const res = spawnSync(process.execPath, ['-e', READER, keyringModule, account, ...(probe ? ['--probe'] : [])], {
      env: { ...process.env, ...env },
      encoding: 'utf8',
      timeout: 20_000,
    });
    if (res.status !== 0) throw new Error(`reading the keychain failed: ${res.stderr.trim()}`);
    return JSON.parse(res.stdout) as string | null;
  };
  const stop = async () => {
    await stopChild(keyring);
    await stopChild(bus);
  };

  // ready once a client can talk to it (the daemon registers on the bus shortly after starting)
  const deadline = Date.now() + 20_000;
  let last = '';
  for (;;) {
    if (keyring.exitCode !== null) {
      await stop();
      return { unavailable: `gnome-keyring-daemon exited (${keyring.exitCode}): ${keyringOut.trim() || 'no output'}` };
    }
    try {
      read('probe', true);
      break;
    } catch (error) {
      last = (error as Error).message;
    }
    if (Date.now() > deadline) {
      await stop();
      return { unavailable: `the Secret Service did not answer: ${last}` };
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { env, dataDir, read, stop };
}
