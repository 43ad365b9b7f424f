/** Local folder trees as the download tests see them: entries without following links, and links that lead out. */
import { lstatSync, readFileSync, readdirSync, readlinkSync, realpathSync } from 'node:fs';
import { join, sep } from 'node:path';

/** A folder's tree without following links: `file:<content>`, `dir`, or `link:<target>` by relative path. */
export function treeOf(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const visit = (dir: string, rel: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      const r = rel ? `${rel}/${name}` : name;
      const st = lstatSync(path);
      if (st.isSymbolicLink()) out[r] = `link:${readlinkSync(path)}`;
      else if (st.isDirectory()) {
        out[r] = 'dir';
        visit(path, r);
      } else out[r] = `file:${readFileSync(path, 'utf8')}`;
    }
  };
  visit(root, '');
  return out;
}

/**
 * Links in `root` that resolve (through any chain) to somewhere outside it, as `rel -> real`.
 * The kernel's realpath: Node's own realpathSync applies ".." after a link lexically, and would
 * miss `a -> .`, `b -> a/../x`.
 */
export function linksOutside(root: string): string[] {
  const top = realpathSync.native(root);
  const out: string[] = [];
  for (const [rel, kind] of Object.entries(treeOf(root))) {
    if (!kind.startsWith('link:')) continue;
    let real: string;
    try {
      real = realpathSync.native(join(root, rel));
    } catch {
      continue; // dangling or a loop: leads nowhere
    }
    if (real !== top && !real.startsWith(top + sep)) out.push(`${rel} -> ${real}`);
  }
  return out;
}
