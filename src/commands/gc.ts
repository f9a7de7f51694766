import { Command, Option } from 'clipanion';
import { AmuxCommand, jsonOption } from './base.js';
import { gcSessions } from '../core/gc.js';
import { formatAge } from '../util/duration.js';

export class GcCommand extends AmuxCommand {
  static override paths = [['gc']];
  static override usage = Command.Usage({
    description: 'stop and remove sessions idle or exited for too long',
    details: `
      Removes (stopping first) every session that has been idle at its prompt, or exited, for longer than \`--idle\` (default: \`ttl:\` in the config, 7 days). Archived sessions and those tagged \`keep\` are spared, and so are working, waiting and lost ones; workspaces are kept. The monitor does the same on its own with the config's \`ttl:\` (\`ttl: 0\` turns that off). Every removal is written to AMUX_HOME/gc.log.
    `,
    examples: [
      ['What would go after a day of idling', '$0 gc --idle 24h --dry-run'],
      ['Clean up with the configured ttl', '$0 gc'],
    ],
  });

  idle = Option.String('--idle', { description: 'Idle or exited longer than this (24h, 90m, 7d)' });
  dryRun = Option.Boolean('-n,--dry-run', false, { description: 'Only list what would be removed' });
  jsonOut = jsonOption('what was removed');

  async run(): Promise<number> {
    const r = await gcSessions(await this.core(), { idle: this.idle, dryRun: this.dryRun });
    if (this.jsonOut) this.json(r);
    else {
      if (r.ttlMs <= 0) this.out('ttl is 0: nothing is collected');
      else if (!r.removed.length) this.out(`nothing idle or exited for more than ${formatAge(r.ttlMs)}`);
      for (const x of r.removed) this.out(`${r.dryRun ? 'would remove' : 'removed'} ${x.session}: ${x.why}`);
      for (const f of r.failed) this.err(`amux: could not remove ${f.session}: ${f.message}`);
    }
    return r.failed.length ? 1 : 0;
  }
}

export const commands = [GcCommand];
