import { Command, Option } from 'clipanion';
import { AmuxCommand, jsonOption } from './base.js';
import { findSessions } from '../core/organise.js';

export class FindCommand extends AmuxCommand {
  static override paths = [['find']];
  static override usage = Command.Usage({
    description: 'find sessions by a prefix of their name or id (archived, exited and lost ones too)',
    details: `
      Prints name, short id, agent and state, one session a line (tab-separated); exits 1 when nothing matches.
    `,
    examples: [
      ['Sessions whose name starts with claude', '$0 find claude'],
      ['By id prefix', '$0 find 3f2a'],
    ],
  });

  prefix = Option.String({ name: 'PREFIX' });
  jsonOut = jsonOption('the sessions');

  async run(): Promise<number> {
    const found = await findSessions(await this.core(), { prefix: this.prefix });
    if (this.jsonOut) this.json(found);
    else for (const s of found) this.out(`${s.name}\t${s.id.slice(0, 8)}\t${s.agent}\t${s.state}${s.archived ? '\tarchived' : ''}`);
    return found.length ? 0 : 1;
  }
}

export const commands = [FindCommand];
