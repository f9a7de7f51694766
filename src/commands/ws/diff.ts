import { Command, Option } from 'clipanion';
import { AmuxCommand } from '../base.js';
import { diffWorkspace } from '../../core/workspaces.js';

/** `amux ws diff NAME`: the patch (coloured on a terminal), then the untracked files. */
export class WsDiffCommand extends AmuxCommand {
  static override paths = [
    ['ws', 'diff'],
    ['workspace', 'diff'],
  ];
  static override usage = Command.Usage({
    category: 'Workspaces',
    description: 'show what a workspace changed against its base',
    details: `
      Shows every change the workspace made since its base, committed or not: \`git diff\` from the merge base of the base and the workspace to its working tree, followed by the untracked files (files copied in at creation and left unchanged are not listed).
    `,
    examples: [
      ['The full patch', '$0 ws diff auth'],
      ['Just the files and line counts', '$0 ws diff auth --stat'],
    ],
  });

  name = Option.String({ name: 'NAME' });
  stat = Option.Boolean('--stat', false, { description: 'Show a diffstat instead of the patch' });

  async run(): Promise<number> {
    const color = !process.env.NO_COLOR && process.stdout.isTTY === true && process.env.TERM !== 'dumb';
    const d = await diffWorkspace(await this.core({ tmux: false }), { name: this.name, stat: this.stat, color });
    if (d.diff) this.context.stdout.write(d.diff.endsWith('\n') ? d.diff : d.diff + '\n');
    if (d.untracked.length) {
      this.out(`${d.diff ? '\n' : ''}Untracked files:`);
      for (const f of d.untracked) this.out(`  ${f}`);
    }
    if (!d.diff && !d.untracked.length) this.err(`workspace ${this.name} has no changes against ${d.against.slice(0, 12)}`);
    return 0;
  }
}

export const commands = [WsDiffCommand];
