/**
 * The race-prone details of issue 18, each run 50 times in a row through the official SDK and
 * through our client against the local backend, with no failure allowed: the events of one
 * upload into a watched folder, a command's deadline against its kill timer, and kill()
 * returning only once the process is gone.
 */
import * as e2b from 'e2b';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as ours from '../../src/index.js';
import type { LocalBackend } from '../helpers/local-backend.js';
import { startLocalEnv } from './sandbox-scenarios.js';

const ROUNDS = 50;
let backend: LocalBackend;
const sandboxes: Array<{ label: string; sandbox: e2b.Sandbox }> = [];

beforeAll(async () => {
  ({ backend } = await startLocalEnv());
  sandboxes.push({ label: 'official SDK', sandbox: await e2b.Sandbox.create() });
  sandboxes.push({ label: 'e2b-ts', sandbox: (await ours.Sandbox.create()) as unknown as e2b.Sandbox });
}, 120_000);
afterAll(async () => {
  await Promise.allSettled(sandboxes.map((s) => s.sandbox.kill()));
  await backend?.dispose();
});

const each = (fn: (sandbox: e2b.Sandbox, label: string) => Promise<void>) => async () => {
  for (const { sandbox, label } of sandboxes) await fn(sandbox, label);
};

describe(`${ROUNDS} rounds each, through both clients`, () => {
  it(
    'one upload into a watched folder gives the same events every time: create, write',
    each(async (sandbox, label) => {
      const data = 'x'.repeat(300 * 1024); // several network chunks, so several writes
      const seen: string[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        const dir = `/tmp/watch-${label.replace(/\W/g, '')}-${round}`;
        await sandbox.files.makeDir(dir);
        const events: string[] = [];
        let markerSeen!: () => void;
        const marker = new Promise<void>((resolve) => (markerSeen = resolve));
        const watcher = await sandbox.files.watchDir(dir, (e) => {
          if (e.name === 'f.txt') events.push(e.type);
          if (e.name === 'marker') markerSeen();
        });
        await sandbox.files.write(`${dir}/f.txt`, data);
        // written after the upload: inotify reports in order, so once the marker's event is in,
        // every event of the upload is too
        await sandbox.files.write(`${dir}/marker`, 'end');
        await marker;
        await watcher.stop();
        seen.push(events.join(','));
      }
      expect(new Set(seen), `${label}: every round's events`).toEqual(new Set(['create,write']));
    }),
    300_000,
  );

  it(
    'a command past its timeoutMs always ends as a timeout, never as an exit',
    each(async (sandbox, label) => {
      const outcomes: string[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        // every other round floods the stream: the end event then queues behind output, where
        // it used to win against the stream's own deadline
        const command = round % 2 ? 'sleep 5' : 'yes | head -c 100000000 > /dev/null & yes';
        const outcome = await sandbox.commands.run(command, { timeoutMs: 150, onStdout: () => {} }).then(
          (r) => `exit ${r.exitCode}`,
          (error: Error) => error.name,
        );
        outcomes.push(outcome);
      }
      expect(new Set(outcomes), `${label}: outcomes`).toEqual(new Set(['TimeoutError']));
    }),
    300_000,
  );

  it(
    'kill() returns once the process is gone: kill -0 right after finds nothing',
    each(async (sandbox, label) => {
      const found: number[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        const handle = await sandbox.commands.run('sleep 100', { background: true });
        expect(await sandbox.commands.kill(handle.pid)).toBe(true);
        const probe = await sandbox.commands.run(`kill -0 ${handle.pid} 2>/dev/null; echo $?`, { user: 'root' });
        if (probe.stdout.trim() === '0') found.push(round);
      }
      expect(found, `${label}: rounds where the killed process was still there`).toEqual([]);
    }),
    300_000,
  );
});
