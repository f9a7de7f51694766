import { Command, Option } from 'clipanion';
import { AmuxCommand, jsonOption } from './base.js';
import { adoptPane } from '../core/adopt.js';

export class AdoptCommand extends AmuxCommand {
  static override paths = [['adopt']];
  static override usage = Command.Usage({
    description: 'register an agent already running in a tmux pane',
    details: `
      Makes an agent that amux did not start (in any pane of this tmux server) an amux session: from then on the monitor tracks its state and its output is logged. The agent is found from the pane's processes, or given with \`--agent\`. Its process and tmux session stay as they are; \`amux rm\` later removes only its pane.
    `,
    examples: [
      ['Adopt pane %3 (tmux display -p "#{pane_id}" shows a pane\'s id)', '$0 adopt %3'],
      ['Adopt the first pane of window 1 of session work, as claude', '$0 adopt work:1.0 --agent claude --name review'],
    ],
  });

  pane = Option.String({ name: 'PANE' });
  agent = Option.String('--agent', { description: 'The agent id (default: found from the pane processes)' });
  name = Option.String('-n,--name', { description: 'Session name (default: from the agent)' });
  tags = Option.Array('-t,--tag', [], { description: 'Tag the session (repeatable)' });
  jsonOut = jsonOption('the new session');

  async run(): Promise<number> {
    const info = await adoptPane(await this.core(), { pane: this.pane, agent: this.agent, name: this.name, tags: this.tags });
    if (this.jsonOut) this.json(info);
    else this.out(`${info.name}: adopted pane ${info.tmux.pane} (${info.agent}, ${info.id.slice(0, 8)})`);
    return 0;
  }
}

export const commands = [AdoptCommand];
