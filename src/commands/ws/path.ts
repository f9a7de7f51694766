import { Command, Option } from 'clipanion';
import { AmuxCommand } from '../base.js';
import { workspacePath } from '../../core/workspaces.js';

/** `amux ws path NAME`: the directory to `cd` to; exit 1 when it is not a usable worktree. */
export class WsPathCommand extends AmuxCommand {
  static override paths = [
    ['ws', 'path'],
    ['workspace', 'path'],
  ];
  static override usage = Command.Usage({
    category: 'Workspaces',
    description: "print a workspace's directory",
    examples: [['Go to workspace auth', 'cd "$($0 ws path auth)"']],
  });

  name = Option.String({ name: 'NAME' });

  async run(): Promise<number> {
    const w = await workspacePath(await this.core({ tmux: false }), { name: this.name });
    this.out(w.dir);
    return w.state === 'ok' ? 0 : 1;
  }
}

export const commands = [WsPathCommand];
