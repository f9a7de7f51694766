import { Command, Option } from 'clipanion';
import { AmuxCommand, jsonOption } from './base.js';
import { UsageError } from '../util/errors.js';
import { retagSessions } from '../core/organise.js';

export class RetagCommand extends AmuxCommand {
  static override paths = [['retag']];
  static override usage = Command.Usage({
    description: 'rename a tag on every session (or on one)',
    details: `
      \`OLD=NEW\`: every session tagged OLD is tagged NEW instead (archived, exited and lost ones too). Both must be non-empty tags. \`--session S\` renames it on one session only.
    `,
    examples: [
      ['Rename a tag everywhere', '$0 retag urgent=p1'],
      ['On one session', '$0 retag wip=review --session claude-auth'],
    ],
  });

  change = Option.String({ name: 'OLD=NEW' });
  session = Option.String('-s,--session', { description: 'Only this session' });
  jsonOut = jsonOption('what changed');

  async run(): Promise<number> {
    const i = this.change.indexOf('=');
    if (i < 0) throw new UsageError(`retag takes OLD=NEW, got "${this.change}"`);
    const r = await retagSessions(await this.core(), { from: this.change.slice(0, i), to: this.change.slice(i + 1), session: this.session });
    if (this.jsonOut) this.json(r);
    else this.out(r.sessions.length ? `retagged ${r.from} → ${r.to} on ${r.sessions.join(', ')}` : `no session is tagged ${r.from}`);
    return 0;
  }
}

export const commands = [RetagCommand];
