import { Command, Option } from 'clipanion';
import { AmuxCommand } from './base.js';
import { resolveSession } from './context.js';
import { formatAge } from '../util/duration.js';
import { viewJson } from '../state/model.js';
import { readExplain } from '../state/publish.js';

export class ExplainCommand extends AmuxCommand {
  static override paths = [['explain']];
  static override usage = Command.Usage({
    description: "say why a session is in its state",
    details: 'Prints the state, since when, the rule that decided it, and every signal the monitor weighed (hooks, screen matches, output, process) with its value and age.',
    examples: [
      ['Why is it stuck?', '$0 explain claude-auth'],
      ['For scripts', '$0 explain claude-auth --json'],
    ],
  });

  session = Option.String({ name: 'SESSION' });
  jsonOut = Option.Boolean('--json', false, { description: 'Print JSON' });

  async run(): Promise<number> {
    const { server, view } = await resolveSession(this.session);
    const { ensureMonitor } = await import('../state/daemon-client.js');
    // A monitor started just now published nothing before: read the session again.
    const fresh = (await ensureMonitor(server)) ? (await resolveSession(this.session)).view : view;
    const ex = fresh.pane && !fresh.pane.paneDead ? await readExplain(server, fresh.pane.paneId) : null;
    const now = Date.now();
    const signals = (ex?.signals ?? []).map((s) => ({ name: s.name, value: s.value, at: s.at ? new Date(s.at).toISOString() : null, ageMs: s.at ? now - s.at : null }));
    if (this.jsonOut) {
      this.json({ ...viewJson(fresh), rule: ex?.rule ?? null, signals });
      return 0;
    }
    const r = fresh.record;
    this.out(`${r.name} (${r.id.slice(0, 8)}, ${r.agent}, detector ${r.detector})`);
    this.out(`state:   ${fresh.state}${fresh.stateSince ? ` for ${formatAge(now - fresh.stateSince)}` : ''}`);
    this.out(`rule:    ${ex?.rule ?? (fresh.state === 'exited' || fresh.state === 'lost' ? fresh.state : '-')}`);
    this.out(`reason:  ${fresh.reason || '-'}`);
    if (signals.length) {
      this.out('signals:');
      for (const s of signals) this.out(`  ${s.name.padEnd(16)} ${String(s.value).slice(0, 100)}${s.ageMs !== null ? `  (${formatAge(s.ageMs)} ago)` : ''}`);
    }
    return 0;
  }
}

export const commands = [ExplainCommand];
