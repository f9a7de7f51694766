import { Command } from 'clipanion';
import { relative, isAbsolute } from 'node:path';
import { AmuxCommand, jsonOption } from '../base.js';
import { listWorkspaces } from '../../core/workspaces.js';
import { renderTable, truncate } from '../../util/table.js';
import { WORKSPACE_INTRO } from './intro.js';

/** A path as the user would like to read it: relative to the cwd when it lies below it. */
function shown(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}

/** `amux ws list` (and bare `amux ws`): one row per workspace, or the array as JSON. */
export class WsListCommand extends AmuxCommand {
  static override paths = [['ws', 'list'], ['ws', 'ls'], ['ws'], ['workspace', 'list'], ['workspace']];
  static override usage = Command.Usage({
    category: 'Workspaces',
    description: "list the project's workspaces",
    details: `
      ${WORKSPACE_INTRO}

      Columns: NAME, BRANCH, AHEAD (commits since the base), CHANGES (uncommitted files, untracked included), SESSIONS (live amux sessions there), STATE and PATH. STATE is \`ok\`, \`missing\` (the directory was deleted by hand: \`amux ws prune\` or \`amux ws rm\` cleans it up) or \`broken\` (the directory is there but git does not know it as a worktree).

      \`--json\` prints an array of objects: name, branch, path, dir, state, base, baseRef, head, dirty, changes, ahead, unmerged, sessions (a count), liveSessions, ownsBranch, locked, setup, createdAt.
    `,
    examples: [
      ['List workspaces', '$0 ws list'],
      ['As JSON, for scripts', '$0 ws list --json'],
    ],
  });

  jsonOut = jsonOption('the workspaces');

  async run(): Promise<number> {
    const { workspaces: all } = await listWorkspaces(await this.core({ tmux: false }));
    if (this.jsonOut) {
      this.json(all);
      return 0;
    }
    if (all.length === 0) {
      this.err('no workspaces (create one with amux ws create NAME, or amux run AGENT --workspace NAME)');
      return 0;
    }
    const rows = all.map((w) => [
      w.name,
      truncate(w.branch, 30),
      w.ahead === null ? '-' : String(w.ahead),
      w.dirty === null ? '-' : String(w.changes.length),
      String(w.sessions),
      w.state,
      shown(w.path),
    ]);
    this.context.stdout.write(renderTable(['NAME', 'BRANCH', 'AHEAD', 'CHANGES', 'SESSIONS', 'STATE', 'PATH'], rows));
    return 0;
  }
}

export const commands = [WsListCommand];
