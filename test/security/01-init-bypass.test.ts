/**
 * Chain 1 of the security issue: the access-token bypass through `/init`.
 *
 * The daemon refused `POST /init` by comparing the raw request path while envd routes on the
 * normalized one, so `/x/../init` (and `/./init`, `/x/%2e%2e/init`, `/x\..\init`) reached envd's
 * `/init`, which cleared the sandbox's access token and made root its default user: anyone who
 * knew the sandbox ID then ran commands as root in a secured sandbox with no API key and no token.
 *
 * The attack runs exactly as reported, with curl, from another local account (an unprivileged
 * user created for the test), which knows the daemon's port and the sandbox ID and nothing else.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attackerAccount, type Account } from '../helpers/accounts.js';
import { startLocalBackend, type LocalBackend } from '../helpers/local-backend.js';
import { connectEnvelope, createSandbox, startProcess, type TestSandbox } from '../helpers/sandbox-http.js';

const account = attackerAccount();
const skip = 'skip' in account ? account.skip : undefined;
if (skip) console.warn(`01-init-bypass: skipped: ${skip}`);

const INIT_BODY = '{"accessToken":"","defaultUser":"root"}';

describe.skipIf(skip !== undefined)('chain 1: /init through a non-canonical path, from another local user', () => {
  const attacker = account as Account;
  let backend: LocalBackend;
  let sandbox: TestSandbox;

  /** `curl -X POST <url><target> …` as the attacker, path sent as written; the HTTP status. */
  const curlPost = async (target: string, args: string[], input?: Buffer): Promise<string> => {
    const r = await attacker.run(
      'curl',
      ['-sS', '--path-as-is', '-o', '/dev/null', '-w', '%{http_code}', '-X', 'POST', `${backend.url}${target}`, ...args],
      input === undefined ? {} : { input },
    );
    expect(r.stderr).toBe('');
    return r.stdout;
  };

  /** `curl --path-as-is -X POST <url><target> -H E2b-Sandbox-Id: <id> -d <body>` as the attacker. */
  const curlInit = (target: string, extra: string[] = []) => curlPost(target, ['-H', `E2b-Sandbox-Id: ${sandbox.id}`, ...extra, '-d', INIT_BODY]);

  /** A command started by the attacker without any token: the HTTP status envd's edge answers. */
  const tokenlessCommand = () =>
    curlPost(
      '/process.Process/Start',
      [
        '-H',
        `E2b-Sandbox-Id: ${sandbox.id}`,
        '-H',
        'E2b-Sandbox-Port: 49983',
        '-H',
        'Content-Type: application/connect+json',
        '-H',
        'Connect-Protocol-Version: 1',
        '--data-binary',
        '@-',
      ],
      connectEnvelope({ process: { cmd: '/bin/sh', args: ['-c', 'id -u > /tmp/pwned'] }, stdin: false }),
    );

  beforeAll(async () => {
    backend = await startLocalBackend();
    sandbox = await createSandbox(backend, true);
    expect(sandbox.token).toBeTruthy();
  });

  afterAll(async () => {
    await backend?.dispose();
  });

  it('before the attack the secured sandbox refuses a command without its token (401)', async () => {
    expect(await tokenlessCommand()).toBe('401');
  });

  it.each(['/x/../init', '/./init', '/x/%2e%2e/init', '/x\\..\\init'])('POST %s is refused with 400 (was 204)', async (target) => {
    expect(await curlInit(target)).toBe('400');
    expect(await tokenlessCommand()).toBe('401');
  });

  it.each([
    ['/init', [], '403'],
    ['/INIT', [], '403'],
    ['/Init', [], '403'],
    ['/init?x=1', [], '403'],
    ['/init/', [], '400'],
    ['//init', [], '400'],
    ['/init/.', [], '400'],
    ['/%69nit', [], '400'],
    ['/init%00', [], '400'],
    ['/init%2F', [], '400'],
    ['/x/%2E%2E/init', [], '400'],
    ['/x/%252e%252e/init', [], '400'],
    ['/x/..%5Cinit', [], '400'],
    ['/init', ['-H', 'X-E2B-TS-Platform: 1'], '403'],
  ] as Array<[string, string[], string]>)('POST %s %j is refused with %s', async (target, extra, status) => {
    expect(await curlInit(target, extra)).toBe(status);
  });

  it('POST /init by host name, with or without a client suffix, is refused with 403', async () => {
    expect(await curlPost('/init', ['-H', `Host: 49983-${sandbox.id}.localhost:${backend.port}`, '-d', INIT_BODY])).toBe('403');
    expect(await curlPost('/init', ['-H', `E2b-Sandbox-Id: ${sandbox.id}-client`, '-d', INIT_BODY])).toBe('403');
  });

  it('after every attempt the sandbox still refuses commands without its token, and its default user is unchanged', async () => {
    expect(await tokenlessCommand()).toBe('401');
    expect((await startProcess(backend, sandbox, 'cat /tmp/pwned 2>/dev/null; echo end', { token: undefined })).status).toBe(401);
    const owner = await startProcess(backend, sandbox, 'id -un; test -e /tmp/pwned && echo pwned || echo clean');
    expect(owner.status).toBe(200);
    expect(owner.stdout).toBe('user\nclean\n');
  });
});
