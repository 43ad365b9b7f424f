import * as e2b from 'e2b';
import * as ours from '../../src/index.js';
import { afterAll, beforeAll, it } from 'vitest';
import { startLocalBackend, type LocalBackend } from '../helpers/local-backend.js';
import { localEnv, useLocalEnv, type LocalEnv } from './sandbox-scenarios.js';
let backend: LocalBackend; let env: LocalEnv;
beforeAll(async () => { backend = await startLocalBackend(); env = await localEnv(backend); useLocalEnv(env); });
afterAll(async () => { await backend?.dispose(); });
const o = async (f: () => Promise<unknown>) => { try { const v = await f(); return v; } catch (e) { const x = e as any; return { name: x.name, message: x.message, exitCode: x.exitCode, error: x.error, stdout: x.stdout, stderr: x.stderr, cause: x.cause?.message }; } };
it('probe', async () => {
  const s = await e2b.Sandbox.create({ envs: { A: 'create', B: 'create' } });
  const m = await ours.Sandbox.connect(s.sandboxId, { apiKey: env.E2B_API_KEY, apiUrl: env.E2B_API_URL, sandboxUrl: env.E2B_SANDBOX_URL });
  for (const [label, c] of [['sdk', s.commands], ['ours', m.commands]] as const) {
    const r: any = {};
    r.echo = await o(() => (c as any).run('echo out; echo err >&2'));
    r.exit3 = await o(() => (c as any).run('echo o; exit 3'));
    r.kill9 = await o(() => (c as any).run('kill -9 $$'));
    r.envs = await o(() => (c as any).run('echo $A $B $C', { envs: { B: 'cmd', C: 'c' } }));
    r.cwd = await o(() => (c as any).run('pwd', { cwd: '/tmp' }));
    r.badcwd = await o(() => (c as any).run('pwd', { cwd: '/nope' }));
    r.root = await o(() => (c as any).run('whoami; id -u; echo $HOME; pwd', { user: 'root' }));
    r.user = await o(() => (c as any).run('whoami; id -u; echo $HOME; pwd', { user: 'user' }));
    r.def = await o(() => (c as any).run('whoami; id -u; echo $HOME; pwd'));
    r.timeout = await o(() => (c as any).run('sleep 5', { timeoutMs: 500 }));
    r.after = await o(() => (c as any).run('pgrep -a sleep || echo none'));
    r.list = await o(() => (c as any).list());
    console.log(label, JSON.stringify(r, null, 1));
  }
  await s.kill();
});
