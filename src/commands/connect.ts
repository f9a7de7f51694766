import { Command, Option } from 'clipanion';
import { AmuxCommand, jsonOption } from './base.js';
import { AmuxError, NotFoundError, UsageError } from '../util/errors.js';
import { attachView, listViews, resolveView } from '../core/sessions.js';
import { viewJson, type SessionView } from '../state/model.js';

export class ConnectCommand extends AmuxCommand {
  static override paths = [['connect']];
  static override usage = Command.Usage({
    description: 'pick a session and connect to it',
    details: `
      Without SESSION, shows a picker over every session on the tmux server (waiting and stuck first): \`j\`/\`k\` or the arrows move, \`/\` filters, \`Enter\` connects, \`q\` or \`Esc\` cancels (exit code 1).

      Connecting attaches: inside tmux it opens the session in a popup over your client (detach with prefix d to close it and come back); outside tmux it attaches.

      \`--print\` prints the chosen session's name instead, and \`--json\` its JSON (as in \`amux ps --json\`), for scripts: the picker draws on the terminal, the answer goes to stdout.
    `,
    examples: [
      ['Pick a session and attach to it', '$0 connect'],
      ['Connect straight to a session', '$0 connect claude-auth'],
      ['Connect by session id', '$0 connect --session-id 3f2a9c1e-…'],
      ['Let a script ask which session', 'S=$($0 connect --print) && amux send "$S" "run the tests"'],
    ],
  });

  session = Option.String({ name: 'SESSION', required: false });
  sessionId = Option.String('--session-id', { description: 'Connect to the session with this id' });
  print = Option.Boolean('--print', false, { description: "Print the chosen session's name instead of attaching" });
  jsonOut = jsonOption('the chosen session (instead of attaching)');
  all = Option.Boolean('-a,--all', false, { description: 'Also offer archived sessions' });

  async run(): Promise<number> {
    if (this.session !== undefined && this.sessionId !== undefined) throw new UsageError('give either SESSION or --session-id, not both');
    const ctx = await this.core();
    const { views } = await listViews(ctx, { all: true });

    let chosen: SessionView | null;
    if (this.sessionId !== undefined) {
      chosen = views.find((v) => v.record.id === this.sessionId) ?? null;
      if (!chosen) throw new NotFoundError(`no session with id ${this.sessionId} (see amux ps --all)`);
    } else if (this.session !== undefined) {
      const one = await resolveView(ctx, this.session);
      chosen = views.find((v) => v.record.id === one.record.id) ?? one;
    } else {
      const offered = views.filter((v) => v.state !== 'lost' && (this.all || !v.record.archived));
      if (offered.length === 0) throw new AmuxError('no sessions to connect to (start one with: amux run AGENT, or try: amux demo)');
      const { pickSession, openTerminal } = await import('../tui/picker.js');
      const io = openTerminal();
      if (!io) throw new UsageError('amux connect needs a terminal to show its picker; name a session: amux connect SESSION');
      try {
        chosen = await pickSession(offered, { io });
      } finally {
        io.close();
      }
      if (!chosen) return 1;
    }

    if (this.jsonOut) {
      this.json(viewJson(chosen));
      return 0;
    }
    if (this.print) {
      this.out(chosen.record.name);
      return 0;
    }
    return (await attachView(ctx, chosen)).code;
  }
}

export const commands = [ConnectCommand];
