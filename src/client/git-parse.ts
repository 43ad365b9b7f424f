/**
 * Pure parsers of git's machine-readable output, for `sandbox.git`. The result shapes are the
 * official SDK's (`GitStatus`, `GitFileStatus`, `GitBranches`), so code moves between the two.
 *
 * Where the SDK parses `git status --porcelain=1 -b` (C-quoted names, a branch line that a
 * branch named `a...b` or `x [y]` confuses), this reads `--porcelain=2 --branch -z`: the branch,
 * upstream and ahead/behind counts arrive as separate fields and names arrive verbatim.
 */

/** The SDK's normalized labels of a file's change. */
export type GitStatusLabel = 'conflict' | 'renamed' | 'copied' | 'deleted' | 'added' | 'modified' | 'typechange' | 'untracked' | 'unknown';

export interface GitFileStatus {
  /** Path relative to the repository root. */
  name: string;
  status: GitStatusLabel;
  /** Index status character as porcelain v1 shows it (`' '` unchanged, `M`, `A`, `D`, `R`, `C`, `U`, `T`, `?`). */
  indexStatus: string;
  /** Working tree status character as porcelain v1 shows it. */
  workingTreeStatus: string;
  /** Whether the change is (at least partly) in the index. */
  staged: boolean;
  /** Original path of a renamed or copied file. */
  renamedFrom?: string;
}

export interface GitStatus {
  currentBranch?: string;
  upstream?: string;
  ahead: number;
  behind: number;
  detached: boolean;
  fileStatus: GitFileStatus[];
  isClean: boolean;
  hasChanges: boolean;
  hasStaged: boolean;
  hasUntracked: boolean;
  hasConflicts: boolean;
  totalCount: number;
  stagedCount: number;
  unstagedCount: number;
  untrackedCount: number;
  conflictCount: number;
}

export interface GitBranches {
  /** Local branch names, sorted as git sorts them. */
  branches: string[];
  /** The checked-out branch; undefined when HEAD is detached. */
  currentBranch?: string;
  /** Remote-tracking branches (`origin/main`), without the remotes' `HEAD` aliases. Not in the official SDK. */
  remoteBranches: string[];
}

/** The arguments that make git print what {@link parseGitStatus} reads. */
export const STATUS_ARGS = ['status', '--porcelain=2', '--branch', '-z'] as const;

/**
 * The SDK's label of a change, by priority over both columns (a conflict first). Entries git
 * reports as unmerged are conflicts whatever their letters (both added, `AA`, included), where
 * the SDK's letter rule would call them added or deleted.
 */
function label(x: string, y: string, unmerged: boolean): GitStatusLabel {
  if (unmerged) return 'conflict';
  const both = x + y;
  for (const [letter, name] of [
    ['U', 'conflict'],
    ['R', 'renamed'],
    ['C', 'copied'],
    ['D', 'deleted'],
    ['A', 'added'],
    ['M', 'modified'],
    ['T', 'typechange'],
    ['?', 'untracked'],
  ] as const) {
    if (both.includes(letter)) return name;
  }
  return 'unknown';
}

/** Porcelain v2 writes an unchanged column as `.`; v1 (and the SDK's fields) as a space. */
const column = (c: string) => (c === '.' ? ' ' : c);

/** Parses the output of `git status --porcelain=2 --branch -z` ({@link STATUS_ARGS}). */
export function parseGitStatus(output: string): GitStatus {
  const records = output.split('\0');
  let currentBranch: string | undefined;
  let upstream: string | undefined;
  let ahead = 0;
  let behind = 0;
  let detached = false;
  const fileStatus: GitFileStatus[] = [];

  for (let i = 0; i < records.length; i++) {
    const record = records[i];
    if (record === '') continue;
    if (record.startsWith('# ')) {
      const space = record.indexOf(' ', 2);
      const key = space < 0 ? record.slice(2) : record.slice(2, space);
      const value = space < 0 ? '' : record.slice(space + 1);
      if (key === 'branch.head') {
        if (value === '(detached)') detached = true;
        else currentBranch = value;
      } else if (key === 'branch.upstream') upstream = value;
      else if (key === 'branch.ab') {
        const m = /^\+(\d+) -(\d+)$/.exec(value);
        if (m) [ahead, behind] = [Number(m[1]), Number(m[2])];
      }
      continue;
    }
    const kind = record[0];
    if (kind === '?') {
      fileStatus.push({ name: record.slice(2), status: 'untracked', indexStatus: '?', workingTreeStatus: '?', staged: false });
      continue;
    }
    if (kind === '!') continue;
    // Ordinary (1), renamed or copied (2), unmerged (u): a fixed number of space-separated
    // fields, then the path, which may itself hold spaces.
    const fields = kind === '1' ? 8 : kind === '2' ? 9 : kind === 'u' ? 10 : -1;
    if (fields < 0) continue;
    let at = 0;
    for (let f = 0; f < fields && at >= 0; f++) at = record.indexOf(' ', at + 1);
    if (at < 0) continue;
    const x = column(record[2]);
    const y = column(record[3]);
    const entry: GitFileStatus = {
      name: record.slice(at + 1),
      status: label(x, y, kind === 'u'),
      indexStatus: x,
      workingTreeStatus: y,
      staged: kind === 'u' ? false : x !== ' ' && x !== '?',
    };
    // With -z a rename's original path is the next record.
    if (kind === '2') entry.renamedFrom = records[++i];
    fileStatus.push(entry);
  }

  const count = (pred: (f: GitFileStatus) => boolean) => fileStatus.filter(pred).length;
  const totalCount = fileStatus.length;
  const stagedCount = count((f) => f.staged);
  const untrackedCount = count((f) => f.status === 'untracked');
  const conflictCount = count((f) => f.status === 'conflict');
  return {
    ...(currentBranch !== undefined ? { currentBranch } : {}),
    ...(upstream !== undefined ? { upstream } : {}),
    ahead,
    behind,
    detached,
    fileStatus,
    isClean: totalCount === 0,
    hasChanges: totalCount > 0,
    hasStaged: stagedCount > 0,
    hasUntracked: untrackedCount > 0,
    hasConflicts: conflictCount > 0,
    totalCount,
    stagedCount,
    unstagedCount: totalCount - stagedCount,
    untrackedCount,
    conflictCount,
  };
}

/** The arguments that make git print what {@link parseGitBranches} reads: one ref a line, `HEAD-mark TAB symref TAB refname`. */
export const BRANCH_ARGS = ['for-each-ref', '--format=%(HEAD)%09%(symref)%09%(refname)', 'refs/heads', 'refs/remotes'] as const;

/** Parses the output of {@link BRANCH_ARGS}. */
export function parseGitBranches(output: string): GitBranches {
  const branches: string[] = [];
  const remoteBranches: string[] = [];
  let currentBranch: string | undefined;
  for (const line of output.split('\n')) {
    const [head, symref, refname] = line.split('\t');
    if (refname === undefined) continue;
    if (refname.startsWith('refs/heads/')) {
      const name = refname.slice('refs/heads/'.length);
      branches.push(name);
      if (head === '*') currentBranch = name;
    } else if (refname.startsWith('refs/remotes/') && symref === '') {
      remoteBranches.push(refname.slice('refs/remotes/'.length));
    }
  }
  return { branches, ...(currentBranch !== undefined ? { currentBranch } : {}), remoteBranches };
}
