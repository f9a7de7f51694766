import { Command, Option } from 'clipanion';
import { AmuxCommand, jsonOption } from '../base.js';
import { showWorkspace } from '../../core/workspaces.js';

/** `amux ws show NAME`: one workspace, line by line or as the object `ws list --json` prints. */
export class WsShowCommand extends AmuxCommand {
  static override paths = [
    ['ws', 'show'],
    ['workspace', 'show'],
  ];
  static override usage = Command.Usage({
    category: 'Workspaces',
    description: 'show one workspace: branch, base, changes, sessions',
    details: `
      Shows the workspace's path, branch, base, state, commits since the base, commits that no other branch has (deleting the branch would lose them), uncommitted files and live sessions. \`--json\` prints the same object as one element of \`amux ws list --json\`.
    `,
    examples: [
      ['Show workspace auth', '$0 ws show auth'],
      ['As JSON', '$0 ws show auth --json'],
    ],
  });

  name = Option.String({ name: 'NAME' });
  jsonOut = jsonOption('the workspace');

  async run(): Promise<number> {
    const w = await showWorkspace(await this.core({ tmux: false }), { name: this.name });
    if (this.jsonOut) {
      this.json(w);
      return 0;
    }
    const lines = [
      `name:      ${w.name}`,
      `state:     ${w.state}${w.state === 'missing' ? ' (directory deleted: amux ws prune or amux ws rm cleans it up)' : ''}`,
      `path:      ${w.path}`,
      `branch:    ${w.branch}${w.ownsBranch ? '' : ' (not created by amux: kept on removal)'}`,
      `base:      ${w.base ? `${w.baseRef && w.baseRef !== w.base ? `${w.baseRef} ` : ''}${w.base.slice(0, 12)}` : '-'}`,
      `ahead:     ${w.ahead ?? '-'} commit(s) since the base`,
      `unmerged:  ${w.unmerged ?? '-'} commit(s) on no other branch`,
      `changes:   ${w.dirty === null ? '-' : w.changes.length ? `${w.changes.length} uncommitted file(s)` : 'none'}`,
      ...w.changes.map((c) => `  ${c}`),
      `sessions:  ${w.liveSessions.length ? w.liveSessions.map((s) => `${s.name} (${s.agent})`).join(', ') : 'none'}`,
      `setup:     ${w.setup ?? '-'}`,
      `created:   ${w.createdAt ?? '-'}`,
    ];
    if (w.locked) lines.push('locked:    yes (git worktree unlock)');
    this.out(lines.join('\n'));
    return 0;
  }
}

export const commands = [WsShowCommand];
