/**
 * The parsers behind `sandbox.git.status` and `branches`, on the output of the host's real git
 * for repositories built here: every kind of change, names no porcelain v1 line shows verbatim,
 * branch names that confuse the v1 branch line, detached and unborn HEADs, and a conflict.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BRANCH_ARGS, parseGitBranches, parseGitStatus, STATUS_ARGS } from '../../src/client/git-parse.js';

const roots: string[] = [];
afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

const ENV = {
  ...process.env,
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_AUTHOR_NAME: 'T',
  GIT_AUTHOR_EMAIL: 't@example.com',
  GIT_COMMITTER_NAME: 'T',
  GIT_COMMITTER_EMAIL: 't@example.com',
};

function repo(): { dir: string; git: (...args: string[]) => string; write: (path: string, text: string) => void } {
  const dir = mkdtempSync(join(tmpdir(), 'git-parse-'));
  roots.push(dir);
  const git = (...args: string[]) => execFileSync('git', ['-C', dir, ...args], { env: ENV, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const write = (path: string, text: string) => {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  };
  git('init', '-q', '--initial-branch', 'main');
  return { dir, git, write };
}

const status = (git: (...args: string[]) => string) => parseGitStatus(git(...STATUS_ARGS));

describe('parseGitStatus on real git output', () => {
  it('an unborn branch with nothing in it is clean, on its branch, not detached', () => {
    const { git } = repo();
    expect(status(git)).toEqual({
      currentBranch: 'main',
      ahead: 0,
      behind: 0,
      detached: false,
      fileStatus: [],
      isClean: true,
      hasChanges: false,
      hasStaged: false,
      hasUntracked: false,
      hasConflicts: false,
      totalCount: 0,
      stagedCount: 0,
      unstagedCount: 0,
      untrackedCount: 0,
      conflictCount: 0,
    });
  });

  it('staged, unstaged, untracked, renamed, deleted and added files, with the counts', () => {
    const { dir, git, write } = repo();
    write('keep.txt', 'k\n');
    write('mod.txt', 'm\n');
    write('both.txt', 'b\n');
    write('gone.txt', 'g\n');
    write('old name.txt', 'r\n'.repeat(20));
    git('add', '-A');
    git('commit', '-qm', 'first');
    write('mod.txt', 'changed\n'); // unstaged modification
    write('both.txt', 'staged\n');
    git('add', 'both.txt');
    write('both.txt', 'and then unstaged\n'); // MM
    rmSync(join(dir, 'gone.txt')); // unstaged deletion
    git('mv', 'old name.txt', 'new name.txt'); // staged rename, names with spaces
    write('fresh.txt', 'f\n');
    git('add', 'fresh.txt'); // added
    write('untracked é.txt', 'u\n'); // untracked, a name v1 would C-quote
    write('dir/inside.txt', 'u\n'); // an untracked folder shows as one entry, as git shows it
    write('a -> b.txt', 'x\n');
    git('add', 'a -> b.txt'); // a name that v1's rename arrow would split

    const s = status(git);
    const byName = Object.fromEntries(s.fileStatus.map((f) => [f.name, f]));
    expect(byName['mod.txt']).toEqual({ name: 'mod.txt', status: 'modified', indexStatus: ' ', workingTreeStatus: 'M', staged: false });
    expect(byName['both.txt']).toEqual({ name: 'both.txt', status: 'modified', indexStatus: 'M', workingTreeStatus: 'M', staged: true });
    expect(byName['gone.txt']).toEqual({ name: 'gone.txt', status: 'deleted', indexStatus: ' ', workingTreeStatus: 'D', staged: false });
    expect(byName['new name.txt']).toEqual({
      name: 'new name.txt',
      status: 'renamed',
      indexStatus: 'R',
      workingTreeStatus: ' ',
      staged: true,
      renamedFrom: 'old name.txt',
    });
    expect(byName['fresh.txt']).toEqual({ name: 'fresh.txt', status: 'added', indexStatus: 'A', workingTreeStatus: ' ', staged: true });
    expect(byName['untracked é.txt']).toEqual({ name: 'untracked é.txt', status: 'untracked', indexStatus: '?', workingTreeStatus: '?', staged: false });
    expect(byName['dir/']).toMatchObject({ status: 'untracked' });
    expect(byName['a -> b.txt']).toEqual({ name: 'a -> b.txt', status: 'added', indexStatus: 'A', workingTreeStatus: ' ', staged: true });
    expect(s).toMatchObject({
      currentBranch: 'main',
      detached: false,
      totalCount: 8,
      stagedCount: 4,
      unstagedCount: 4,
      untrackedCount: 2,
      conflictCount: 0,
      isClean: false,
      hasChanges: true,
      hasStaged: true,
      hasUntracked: true,
      hasConflicts: false,
    });
  });

  it('upstream and ahead/behind counts', () => {
    const upstream = repo();
    upstream.write('a', '1');
    upstream.git('add', '-A');
    upstream.git('commit', '-qm', 'one');
    const strange = 'feat/x-1.2_@y';
    upstream.git('branch', strange);
    const { dir, git, write } = repo();
    git('remote', 'add', 'origin', upstream.dir);
    git('fetch', '-q', 'origin');
    git('checkout', '-q', '-b', strange, `origin/${strange}`);
    write('b', '2');
    git('add', '-A');
    git('commit', '-qm', 'two');
    git('commit', '-q', '--allow-empty', '-m', 'three');
    // the upstream moves on by one commit
    upstream.git('checkout', '-q', strange);
    upstream.git('commit', '-q', '--allow-empty', '-m', 'upstream');
    git('fetch', '-q', 'origin');
    expect(status(git)).toMatchObject({ currentBranch: strange, upstream: `origin/${strange}`, ahead: 2, behind: 1, detached: false, isClean: true });
    expect(dir).toBeTruthy();
  });

  it('a detached HEAD has no branch', () => {
    const { git, write } = repo();
    write('a', '1');
    git('add', '-A');
    git('commit', '-qm', 'one');
    git('checkout', '-q', '--detach');
    const s = status(git);
    expect(s.detached).toBe(true);
    expect(s.currentBranch).toBeUndefined();
    expect(s.upstream).toBeUndefined();
  });

  it('a merge conflict is a conflict, both-added included', () => {
    const { git, write } = repo();
    write('c.txt', 'base\n');
    git('add', '-A');
    git('commit', '-qm', 'base');
    git('checkout', '-q', '-b', 'other');
    write('c.txt', 'other\n');
    write('both-added.txt', 'other\n');
    git('add', '-A');
    git('commit', '-qm', 'other');
    git('checkout', '-q', 'main');
    write('c.txt', 'main\n');
    write('both-added.txt', 'main\n');
    git('add', '-A');
    git('commit', '-qm', 'main');
    expect(() => git('merge', 'other')).toThrow();
    const s = status(git);
    expect(s.fileStatus.map((f) => [f.name, f.status, f.indexStatus + f.workingTreeStatus, f.staged]).sort()).toEqual([
      ['both-added.txt', 'conflict', 'AA', false],
      ['c.txt', 'conflict', 'UU', false],
    ]);
    expect(s).toMatchObject({ hasConflicts: true, conflictCount: 2 });
  });

  it('a file whose type changed is a typechange', () => {
    const { dir, git, write } = repo();
    write('t', 'file\n');
    git('add', '-A');
    git('commit', '-qm', 'one');
    renameSync(join(dir, 't'), join(dir, 't.bak'));
    execFileSync('ln', ['-s', 't.bak', join(dir, 't')]);
    expect(status(git).fileStatus.find((f) => f.name === 't')).toMatchObject({ status: 'typechange', workingTreeStatus: 'T' });
  });
});

describe('parseGitBranches on real git output', () => {
  it("local branches in git's order, the current one, and remote-tracking branches without HEAD aliases", () => {
    const upstream = repo();
    upstream.write('a', '1');
    upstream.git('add', '-A');
    upstream.git('commit', '-qm', 'one');
    upstream.git('branch', 'dev');
    const clone = mkdtempSync(join(tmpdir(), 'git-parse-clone-'));
    roots.push(clone);
    execFileSync('git', ['clone', '-q', upstream.dir, clone], { env: ENV });
    const git = (...args: string[]) => execFileSync('git', ['-C', clone, ...args], { env: ENV, encoding: 'utf8' });
    git('branch', 'zeta');
    git('branch', 'alpha');
    expect(parseGitBranches(git(...BRANCH_ARGS))).toEqual({
      branches: ['alpha', 'main', 'zeta'],
      currentBranch: 'main',
      remoteBranches: ['origin/dev', 'origin/main'],
    });
    git('checkout', '-q', '--detach');
    expect(parseGitBranches(git(...BRANCH_ARGS))).toEqual({ branches: ['alpha', 'main', 'zeta'], remoteBranches: ['origin/dev', 'origin/main'] });
  });
});
