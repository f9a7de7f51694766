import { readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';

/**
 * The branch checked out in the git checkout (or worktree) holding `dir`, read from its HEAD file
 * (no git process: a lost session's listing stays cheap); null when detached, not a checkout, or
 * unreadable.
 */
export function headBranch(dir: string): string | null {
  let d = resolve(dir);
  for (let i = 0; i < 8; i++) {
    const dotgit = join(d, '.git');
    try {
      let gitdir = dotgit;
      if (statSync(dotgit).isFile()) {
        // A worktree: `.git` is a file naming its git folder.
        const m = /^gitdir:\s*(.+)$/m.exec(readFileSync(dotgit, 'utf8'));
        if (!m) return null;
        gitdir = isAbsolute(m[1]!.trim()) ? m[1]!.trim() : resolve(d, m[1]!.trim());
      }
      const head = readFileSync(join(gitdir, 'HEAD'), 'utf8');
      const ref = /^ref:\s*refs\/heads\/(.+)$/m.exec(head);
      return ref ? ref[1]!.trim() : null;
    } catch {
      /* not here: look one folder up */
    }
    const up = dirname(d);
    if (up === d) return null;
    d = up;
  }
  return null;
}
