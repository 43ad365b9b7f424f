/**
 * How `git status` and `git branch ls` look: a summary like git's own on a terminal, stable
 * tab-separated rows when piped. Pure (the library's objects in, text out).
 */
import type { GitBranches, GitFileStatus, GitStatus } from '../../client/git-parse.js';
import type { Colors } from '../render/colors.js';
import { sanitize } from '../render/sanitize.js';

/** A status column for rows: `.` for unchanged (as porcelain v2 writes it), so the field never holds a space. */
const letter = (c: string) => (c === ' ' || c === '' ? '.' : c);

/**
 * A file name as git shows one: as it is, unless it holds a control character (a tab, a line
 * break, an escape), `"` or `\`; then C-quoted in double quotes (`"a\tb"`, `"\033[31m"`), so
 * a TSV field stays one field and a terminal shows the name rather than obeying it. --json has
 * the exact names.
 */
export function quoteName(name: string): string {
  if (!/[\x00-\x1f\x7f-\x9f"\\]/.test(name)) return name;
  const escapes: Record<string, string> = {
    '"': '\\"',
    '\\': '\\\\',
    '\t': '\\t',
    '\n': '\\n',
    '\r': '\\r',
    '\x07': '\\a',
    '\b': '\\b',
    '\f': '\\f',
    '\v': '\\v',
  };
  const octal = (ch: string) => [...Buffer.from(ch)].map((b) => `\\${b.toString(8).padStart(3, '0')}`).join('');
  const body = [...name].map((ch) => escapes[ch] ?? (/[\x00-\x1f\x7f-\x9f]/.test(ch) ? octal(ch) : ch)).join('');
  return `"${body}"`;
}

/**
 * The rows of `git status` when piped, one per file:
 * `XY<TAB>status<TAB>name<TAB>renamedFrom` — XY the index and working-tree letters (`.` when
 * unchanged: `M.`, `.M`, `??`, `R.`, `UU`), status the library's label (modified, added,
 * deleted, renamed, copied, typechange, untracked, conflict), renamedFrom empty unless renamed or
 * copied.
 */
export function statusRows(status: GitStatus): string {
  return status.fileStatus
    .map(
      (f) =>
        `${letter(f.indexStatus)}${letter(f.workingTreeStatus)}\t${f.status}\t${quoteName(f.name)}\t${f.renamedFrom !== undefined ? quoteName(f.renamedFrom) : ''}\n`,
    )
    .join('');
}

const INDEX_LABELS: Record<string, string> = { M: 'modified', A: 'new file', D: 'deleted', R: 'renamed', C: 'copied', T: 'typechange' };
const WORKTREE_LABELS: Record<string, string> = { M: 'modified', D: 'deleted', T: 'typechange', A: 'new file', R: 'renamed', C: 'copied' };
const CONFLICT_LABELS: Record<string, string> = {
  UU: 'both modified',
  AA: 'both added',
  DD: 'both deleted',
  AU: 'added by us',
  UA: 'added by them',
  DU: 'deleted by us',
  UD: 'deleted by them',
};

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** The branch lines of the summary: the branch (or a detached HEAD), then how it stands against its upstream. */
function branchLines(status: GitStatus): string[] {
  const out: string[] = [];
  if (status.detached) out.push('HEAD detached');
  else if (status.currentBranch !== undefined) out.push(`On branch ${sanitize(status.currentBranch)}`);
  if (status.upstream !== undefined) {
    const up = `'${sanitize(status.upstream)}'`;
    const { ahead, behind } = status;
    if (ahead && behind) out.push(`Your branch and ${up} have diverged: ${plural(ahead, 'commit')} ahead, ${plural(behind, 'commit')} behind.`);
    else if (ahead) out.push(`Your branch is ahead of ${up} by ${plural(ahead, 'commit')}.`);
    else if (behind) out.push(`Your branch is behind ${up} by ${plural(behind, 'commit')}.`);
    else out.push(`Your branch is up to date with ${up}.`);
  }
  return out;
}

/** `label:` padded as git pads it (wider for unmerged paths), then the name (`old -> new` for a rename). */
function entry(label: string, f: GitFileStatus, opts: { rename?: boolean; width?: number } = {}): string {
  const name = opts.rename !== false && f.renamedFrom !== undefined ? `${quoteName(f.renamedFrom)} -> ${quoteName(f.name)}` : quoteName(f.name);
  return `\t${`${label}:`.padEnd(opts.width ?? 12)}${name}`;
}

/**
 * The summary of `git status` on a terminal, as git words it: the branch and its upstream, then
 * the changes to be committed (green), unmerged paths, changes not staged and untracked files
 * (red), or "nothing to commit, working tree clean".
 */
export function statusSummary(status: GitStatus, color: Colors): string {
  const staged: string[] = [];
  const unstaged: string[] = [];
  const untracked: string[] = [];
  const conflicts: string[] = [];
  for (const f of status.fileStatus) {
    const x = f.indexStatus;
    const y = f.workingTreeStatus;
    if (f.status === 'conflict') conflicts.push(color.red(entry(CONFLICT_LABELS[x + y] ?? 'conflict', f, { width: 17 })));
    else if (f.status === 'untracked') untracked.push(color.red(`\t${quoteName(f.name)}`));
    else {
      if (x !== ' ' && x !== '?') staged.push(color.green(entry(INDEX_LABELS[x] ?? 'changed', f)));
      // A rename is the index's; the working tree's change is to the new name.
      if (y !== ' ' && y !== '?') unstaged.push(color.red(entry(WORKTREE_LABELS[y] ?? 'changed', f, { rename: false })));
    }
  }
  const blocks: string[][] = [branchLines(status)];
  if (staged.length) blocks.push(['Changes to be committed:', ...staged]);
  if (conflicts.length) blocks.push(['Unmerged paths:', ...conflicts]);
  if (unstaged.length) blocks.push(['Changes not staged for commit:', ...unstaged]);
  if (untracked.length) blocks.push(['Untracked files:', ...untracked]);
  if (status.fileStatus.length === 0) blocks.push(['nothing to commit, working tree clean']);
  return blocks
    .filter((b) => b.length > 0)
    .map((b) => `${b.join('\n')}\n`)
    .join('\n');
}

/** The branches of `git branch ls` as rows `[mark, name, type]`: local ones (the current marked `*`), then remote-tracking ones. */
export function branchRows(branches: GitBranches): string[][] {
  return [...branches.branches.map((b) => [b === branches.currentBranch ? '*' : '', b, 'local']), ...branches.remoteBranches.map((b) => ['', b, 'remote'])];
}

/**
 * The rows of `git branch ls` when piped: `name<TAB>local|remote<TAB>current`, the last field
 * `current` for the checked-out branch and empty otherwise.
 */
export function branchTsv(branches: GitBranches): string {
  return branchRows(branches)
    .map(([mark, name, type]) => `${name}\t${type}\t${mark === '*' ? 'current' : ''}\n`)
    .join('');
}
