import { it } from 'vitest';
import { startLocalBackend } from '../helpers/local-backend.js';
import { runCli } from '../helpers/cli.js';
it('probe', async () => {
  const b = await startLocalBackend();
  try {
    const r = await runCli(['local', 'env', '--json'], { env: { E2B_TS_HOME: b.home } });
    console.log(r);
    const env = JSON.parse(r.stdout);
    Object.assign(process.env, env);
    const { Sandbox } = await import('e2b');
    const s = await Sandbox.create({ metadata: { a: 'b' }, envs: { X: '1' } });
    console.log('created', s.sandboxId, (s as any).envdAccessToken);
    console.log(await s.getInfo());
    console.log('running', await s.isRunning());
    console.log('pause', await s.pause(), await Sandbox.pause(s.sandboxId));
    try { const c = await Sandbox.connect(s.sandboxId); console.log('connected', (await c.getInfo()).state); } catch (e) { console.log('connect err', e); }
    console.log(await s.getMetrics());
    console.log('kill', await s.kill(), await s.kill(), await s.isRunning());
  } finally { await b.dispose(); }
});
