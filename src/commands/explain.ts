import { Command, Option } from 'clipanion';
import { AmuxCommand, jsonOption } from './base.js';
import { formatAge } from '../util/duration.js';
import { isTerminal } from '../state/model.js';
import { explainSession } from '../core/observe.js';

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
  jsonOut = jsonOption('the state, rule and evidence');

  async run(): Promise<number> {
    const ex = await explainSession(await this.core(), { session: this.session });
    if (this.jsonOut) {
      this.json(ex);
      return 0;
    }
    const now = Date.now();
    const since = ex.stateSince ? Date.parse(ex.stateSince) : null;
    this.out(`${ex.name} (${ex.id.slice(0, 8)}, ${ex.agent}, detector ${ex.detector})`);
    this.out(`state:   ${ex.state}${since ? ` for ${formatAge(now - since)}` : ''}`);
    this.out(`rule:    ${ex.rule ?? (isTerminal(ex.state) ? ex.state : '-')}`);
    this.out(`reason:  ${ex.reason || '-'}`);
    if (ex.signals.length) {
      this.out('signals:');
      for (const s of ex.signals) this.out(`  ${s.name.padEnd(16)} ${String(s.value).slice(0, 100)}${s.ageMs !== null ? `  (${formatAge(s.ageMs)} ago)` : ''}`);
    }
    return 0;
  }
}

export const commands = [ExplainCommand];
