import { Command, Option } from 'clipanion';
import { AmuxCommand, jsonOption } from './base.js';
import { UsageError } from '../util/errors.js';
import { startSessions, MAX_COUNT } from '../core/start.js';

export class RunCommand extends AmuxCommand {
  static override paths = [['run']];
  static override usage = Command.Usage({
    description: 'start agents in new tmux sessions',
    details: `
      Starts each AGENT (from .amux/config.yaml or a built-in preset: claude, codex, gemini, aider, shell) in a tmux session of its own, with its output logged under AMUX_HOME and its exit code kept after it ends.

      With \`--workspace W\` the agent runs in the git worktree \`.amux/workspaces/W\` (created when missing, on branch \`amux/W\`); without it, in the current directory.

      \`-c COMMAND\` runs a command string instead of an agent. Arguments after \`--\` are appended to the agent's command. \`-p PROMPT\` is typed into the agent once it is ready for input.

      \`--json\` prints the new session (an array when several were launched).
    `,
    examples: [
      ['Start Claude Code in a worktree named auth', '$0 run claude --workspace auth'],
      ['Start three different agents in parallel in one workspace', '$0 run claude codex aider --workspace spike'],
      ['Start five shells at once', '$0 run shell --count 5'],
      ['Three Claude sessions side by side, each in its own worktree (fix-1, fix-2, fix-3)', '$0 run claude --count 3 --workspace fix --each'],
      ['Run a dev server under amux', "$0 run -c 'npm run dev' --name web"],
      ['Start an agent with a first prompt and extra arguments', "$0 run claude -p 'fix the failing test' -- --model sonnet"],
      ['Start Claude Code on host buildbox (its own config applies there)', '$0 run claude --host buildbox --workspace auth'],
    ],
  });

  agents = Option.Rest({ name: 'AGENT' });
  workspace = Option.String('-w,--workspace', { description: 'Run in this git worktree workspace (created if missing)' });
  name = Option.String('-n,--name', { description: 'Session name (default: from the agent and workspace)' });
  env = Option.Array('-e,--env', { description: 'Set an environment variable KEY=VALUE (repeatable)' });
  prompt = Option.String('-p,--prompt', { description: 'Send this prompt once the agent is ready' });
  command = Option.String('-c,--command', { description: 'Run this shell command instead of an agent' });
  count = Option.String('--count', { description: 'Launch N sessions of each agent' });
  attach = Option.Boolean('--attach', { description: 'Attach to the session after starting it' });
  detach = Option.Boolean('--detach', false, { description: 'Do not attach, even if the agent sets autoAttach' });
  tags = Option.Array('-t,--tag', { description: 'Tag the session (repeatable)' });
  each = Option.Boolean('--each', false, { description: 'With --workspace: a worktree per session (NAME-1, NAME-2, …)' });
  host = Option.String('--host', { description: 'Start it on this host (amux host add), with that machine\'s config' });
  jsonOut = jsonOption('the new session(s)');

  async run(): Promise<number> {
    const { splitPassthrough } = await import('../session/spec.js');
    const { positional, passthrough } = splitPassthrough(this.agents, process.argv.slice(2));
    const count = this.count === undefined ? 1 : Number(this.count);
    if (!Number.isInteger(count) || count < 1 || count > MAX_COUNT) throw new UsageError(`--count must be a whole number from 1 to ${MAX_COUNT}, got "${this.count}"`);
    const env: Record<string, string> = {};
    for (const kv of this.env ?? []) {
      const i = kv.indexOf('=');
      if (i <= 0) throw new UsageError(`-e expects KEY=VALUE, got ${JSON.stringify(kv)}`); // the core checks the name
      env[kv.slice(0, i)] = kv.slice(i + 1);
    }
    const total = (this.command !== undefined ? 1 : positional.length) * count;
    // What to start: the same words whichever machine starts it.
    const input = { agents: positional, command: this.command, count, workspace: this.workspace, name: this.name, tags: this.tags ?? [], env, prompt: this.prompt, passthrough, each: this.each };
    if (this.host !== undefined) return this.runOnHost(this.host, input, total);
    const ctx = await this.core();
    const res = await startSessions(ctx, input);
    const code = this.report(res, total, '');
    if (code !== 0) return code;

    const config = await ctx.config();
    const spec = this.command === undefined && positional.length === 1 ? config.agents[positional[0]!] : undefined;
    const wantAttach = this.attach ?? (spec?.params.autoAttach === true && !spec?.params.detached);
    if (wantAttach && !this.detach && res.records.length === 1 && process.stdout.isTTY) {
      const { attachView, resolveView } = await import('../core/sessions.js');
      return (await attachView(ctx, await resolveView(ctx, res.records[0]!.id))).code;
    }
    return 0;
  }

  /** Prints what started (the record, or a line each) and what failed; the exit code. */
  private report(res: { started: { name: string; id: string; agent: string; workspace?: string | null }[]; failed: { message: string; code: string }[] }, total: number, prefix: string): number {
    if (this.jsonOut) this.json(res.started.length === 1 && total === 1 ? res.started[0] : res.started);
    else for (const r of res.started) this.out(`${r.name}\t${r.id}\t${r.agent}${r.workspace ? `\t${r.workspace}` : ''}`);
    for (const f of res.failed) this.err(`amux: ${prefix}${f.message}`);
    // Refused input (a name that is another session's id) is a usage error when nothing started.
    if (res.failed.length > 0) return res.started.length === 0 && res.failed.every((f) => f.code === 'usage') ? 2 : 1;
    return 0;
  }

  /** `run --host H`: started by that host's amux (its config and presets); attach over ssh -t. */
  private async runOnHost(host: string, input: Parameters<typeof startSessions>[1], total: number): Promise<number> {
    const ctx = await this.core({ tmux: false });
    const { startOnHost, attachHost } = await import('../core/hosts.js');
    const res = await startOnHost(ctx, { host, ...input });
    const code = this.report(res, total, `${host}: `);
    if (code !== 0) return code;
    if (this.attach && !this.detach && res.started.length === 1 && process.stdout.isTTY) return attachHost(ctx, res.started[0]!.name);
    return 0;
  }
}

export const commands = [RunCommand];
