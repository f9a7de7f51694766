import { Command, Option } from 'clipanion';
import { AmuxCommand, jsonOption } from './base.js';
import { hibernateSession } from '../core/hibernate.js';

export class HibernateCommand extends AmuxCommand {
  static override paths = [['hibernate']];
  static override usage = Command.Usage({
    description: "stop an idle agent's process to free memory, keeping its conversation",
    details: `
      The agent's process is stopped (a Claude Code session holds ~300 MB); the session stays listed as \`hibernated\` with its conversation id. \`amux send\`, \`amux attach\`, Enter in the TUI or \`amux resume\` wake it: its conversation is resumed first.

      Only an idle agent whose conversation amux can resume by id is hibernated. \`hibernate: 30m\` in the config has the monitor do it to agents idle that long.
    `,
    examples: [
      ['Hibernate a session', '$0 hibernate claude-auth'],
      ['Wake it with a prompt', "$0 send claude-auth 'carry on'"],
    ],
  });

  sessions = Option.Rest({ name: 'SESSION', required: 1 });
  force = Option.Boolean('--force', false, { description: 'Even when it is not idle (the current turn is cut short)' });
  jsonOut = jsonOption('the hibernated sessions');

  async run(): Promise<number> {
    const ctx = await this.core();
    const out = [];
    let failed = 0;
    for (const s of this.sessions) {
      try {
        const info = await hibernateSession(ctx, { session: s, force: this.force });
        out.push(info);
        if (!this.jsonOut) this.out(`${info.name}: hibernated${info.conversation ? ` (conversation ${info.conversation})` : ''}`);
      } catch (e) {
        const h = (e as { hint?: string }).hint;
        this.err(`amux: ${(e as Error).message}${h ? ` (${h})` : ''}`);
        failed++;
      }
    }
    if (this.jsonOut) this.json(out);
    return failed ? 1 : 0;
  }
}

export const commands = [HibernateCommand];
