/**
 * envd starts commands with a higher oom_score_adj than its own (so a sandbox that runs out of
 * memory loses the command, not envd), and keeps its own value.
 */
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CHILD_BONUS, spawnKillableFirst } from '../../src/local/envd/process/oom.js';

const linux = process.platform === 'linux';
if (!linux) console.warn('envd-oom: skipped, oom_score_adj exists only on Linux');

describe.skipIf(!linux)('oom_score_adj of commands', () => {
  it("a command starts with envd's value plus the bonus; envd keeps its own", async () => {
    const own = Number(readFileSync('/proc/self/oom_score_adj', 'utf8'));
    const child = spawnKillableFirst(() =>
      spawn('sh', ['-c', 'cat /proc/self/oom_score_adj; sleep 0.2 & cat /proc/$!/oom_score_adj'], { stdio: ['ignore', 'pipe', 'inherit'] }),
    );
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    await new Promise((r) => child.once('close', r));
    const expected = String(Math.min(1000, own + CHILD_BONUS));
    // the command and what it forks at once
    expect(out.trim().split('\n')).toEqual([expected, expected]);
    expect(Number(readFileSync('/proc/self/oom_score_adj', 'utf8'))).toBe(own);
  });

  it("a command cannot lower itself below envd's value without privilege", () => {
    const own = Number(readFileSync('/proc/self/oom_score_adj', 'utf8'));
    const asNobody = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', 'true']);
    if (process.getuid?.() !== 0 || asNobody.status !== 0) {
      console.warn('envd-oom: the no-privilege check needs root and setpriv; skipped');
      return;
    }
    const out = spawnKillableFirst(() =>
      spawnSync(
        'setpriv',
        [
          '--reuid=65534',
          '--regid=65534',
          '--clear-groups',
          '--inh-caps=-all',
          'sh',
          '-c',
          `echo ${own - 1} 2>/dev/null > /proc/self/oom_score_adj; cat /proc/self/oom_score_adj; echo ${own} > /proc/self/oom_score_adj && cat /proc/self/oom_score_adj`,
        ],
        { encoding: 'utf8' },
      ),
    );
    expect(out.stdout.trim().split('\n')).toEqual([String(Math.min(1000, own + CHILD_BONUS)), String(own)]);
  });
});
