import { Command, Option } from 'clipanion';
import { AmuxCommand } from './base.js';
import { AmuxError, UsageError } from '../util/errors.js';
import { getServer } from './context.js';
import { validateName } from '../tmux/names.js';
import type { SessionRecord } from '../session/types.js';

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
      ['Run a dev server under amux', "$0 run -c 'npm run dev' --name web"],
      ['Start an agent with a first prompt and extra arguments', "$0 run claude -p 'fix the failing test' -- --model sonnet"],
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
  jsonOut = Option.Boolean('--json', false, { description: 'Print the new session(s) as JSON' });

  async run(): Promise<number> {
    const { loadConfig, resolveAgent, expandEnvironment } = await import('../config/load.js');
    const { launch } = await import('../session/launcher.js');
    const { buildLaunchSpec, splitPassthrough } = await import('../session/spec.js');

    const { positional, passthrough } = splitPassthrough(this.agents, process.argv.slice(2));
    if (this.command !== undefined && positional.length > 0) throw new UsageError('give either agents or -c COMMAND, not both');
    if (this.command === undefined && positional.length === 0) throw new UsageError('which agent? e.g. amux run claude (see amux config show)');
    const count = this.count === undefined ? 1 : Number(this.count);
    if (!Number.isInteger(count) || count < 1 || count > 500) throw new UsageError(`--count must be a whole number from 1 to 500, got "${this.count}"`);
    const extraEnv: Record<string, string> = {};
    for (const kv of this.env ?? []) {
      const i = kv.indexOf('=');
      if (i <= 0 || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(kv.slice(0, i))) throw new UsageError(`-e expects KEY=VALUE with a valid variable name, got "${kv}"`);
      extraEnv[kv.slice(0, i)] = kv.slice(i + 1);
    }
    const total = (this.command !== undefined ? 1 : positional.length) * count;
    if (this.name !== undefined && total > 1) throw new UsageError('--name names one session; drop it when launching several');
    if (this.name !== undefined) validateName(this.name);

    const config = loadConfig({ cwd: process.cwd() });
    // Resolve every agent before creating anything: an unknown agent is an error, never a command.
    const agents = this.command !== undefined ? [null] : positional.map((a) => resolveAgent(config, a));
    const server = await getServer(config);

    let cwd = process.cwd();
    let workspace: string | null = null;
    if (this.workspace !== undefined) {
      const { ensureWorkspace } = await import('../workspace/worktrees.js');
      const ws = await ensureWorkspace(config, this.workspace);
      // The project's own folder inside the worktree (the project can be a subfolder of the repo).
      cwd = ws.dir;
      workspace = this.workspace;
    }

    const specs = [];
    for (const agent of agents) {
      for (let i = 0; i < count; i++) {
        specs.push(
          buildLaunchSpec({
            config,
            agent,
            command: this.command,
            passthrough,
            extraEnv,
            expandEnvironment,
            cwd,
            workspace,
            name: this.name,
            tags: this.tags ?? [],
          }),
        );
      }
    }
    const results = await Promise.allSettled(specs.map((s) => launch(server, s)));
    const ok = results.filter((r): r is PromiseFulfilledResult<SessionRecord> => r.status === 'fulfilled').map((r) => r.value);
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');

    if (ok.length > 0) {
      // The monitor watches every new session from its first second.
      const { ensureDaemon } = await import('../state/daemon-client.js');
      await ensureDaemon(server.socket);
    }
    if (this.prompt !== undefined && ok.length > 0) {
      const { deliverPrompt } = await import('../state/send.js');
      const results = await Promise.allSettled(ok.map((rec) => deliverPrompt(server, rec, this.prompt!, { onProgress: (m) => this.err(m) })));
      for (const r of results) if (r.status === 'rejected') failed.push(r);
    }

    if (this.jsonOut) {
      const { loadViews, viewJson } = await import('../session/view.js');
      const ids = new Set(ok.map((r) => r.id));
      const views = (await loadViews(server)).filter((v) => ids.has(v.record.id)).map(viewJson);
      this.json(views.length === 1 && total === 1 ? views[0] : views);
    } else {
      for (const r of ok) this.out(`${r.name}\t${r.id}\t${r.agent}${r.workspace ? `\t${r.workspace}` : ''}`);
    }
    for (const f of failed) this.err(`amux: ${(f.reason as Error).message}`);
    // Refused input (a name that is another session's id) is a usage error when nothing started.
    if (failed.length > 0) return ok.length === 0 && failed.every((f) => f.reason instanceof AmuxError && f.reason.exitCode === 2) ? 2 : 1;

    const wantAttach = this.attach ?? (agents.length === 1 && agents[0]?.params.autoAttach === true && !agents[0]?.params.detached);
    if (wantAttach && !this.detach && ok.length === 1 && process.stdout.isTTY) {
      const { attachTo } = await import('../session/attach.js');
      return attachTo(server, ok[0]!);
    }
    return 0;
  }
}

export const commands = [RunCommand];
