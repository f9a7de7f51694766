import { Command, Option } from 'clipanion';
import { AmuxCommand, jsonOption } from '../base.js';
import type { AgentSpec, AmuxConfig } from '../../config/types.js';

/** Milliseconds as the config writes them: 250ms, 2s, 1m30s, 1h. */
export function formatDuration(ms: number): string {
  if (ms < 1000 || ms % 1000 !== 0) return ms < 1000 ? `${ms}ms` : `${ms / 1000}s`;
  let s = ms / 1000;
  const parts: string[] = [];
  for (const [unit, n] of [['d', 86400], ['h', 3600], ['m', 60]] as const) {
    if (s >= n) {
      parts.push(`${Math.floor(s / n)}${unit}`);
      s %= n;
    }
  }
  if (s || !parts.length) parts.push(`${s}s`);
  return parts.join('');
}

function commandText(a: AgentSpec): string {
  return Array.isArray(a.command) ? a.command.map((w) => (/^[\w@%+=:,./-]+$/.test(w) ? w : JSON.stringify(w))).join(' ') : a.command;
}

export class ConfigShowCommand extends AmuxCommand {
  static override paths = [['config', 'show'], ['config']];
  static override usage = Command.Usage({
    category: 'Config',
    description: 'show the effective config: built-in presets, user and project files merged',
    details: `
      Prints the config amux uses in this folder: the built-in agents (claude, codex, gemini, aider, shell), under the user-wide file (\`$XDG_CONFIG_HOME/amux/config.yaml\`), under the project's \`.amux/config.yaml\` (found by walking up from here). Each agent shows where it comes from: \`preset\`, \`user\` or \`project\` (the highest layer that sets any of its fields).

      With an AGENT, prints that agent's every field. \`--json\` prints the same data for scripts: durations in milliseconds, environment values as written (they are expanded only at launch).
    `,
    examples: [
      ['The agents amux knows here, and where they come from', '$0 config show'],
      ['Everything about one agent', '$0 config show claude'],
      ['The whole effective config as JSON', '$0 config show --json'],
    ],
  });

  agent = Option.String({ required: false, name: 'AGENT' });
  jsonOut = jsonOption('the config');

  async run(): Promise<number> {
    const { loadConfig, knownAgents, resolveAgent } = await import('../../config/load.js');
    const c = loadConfig({ cwd: process.cwd() });
    if (this.agent !== undefined) {
      const a = resolveAgent(c, this.agent);
      if (this.jsonOut) this.json(a);
      else this.context.stdout.write(formatAgent(a));
      return 0;
    }
    if (this.jsonOut) {
      this.json({ ...c, agents: Object.fromEntries(knownAgents(c).map((id) => [id, c.agents[id]])) });
      return 0;
    }
    this.context.stdout.write(await formatConfig(c, knownAgents(c)));
    return 0;
  }
}

function formatAgent(a: AgentSpec): string {
  const lines: [string, string][] = [
    ['agent', `${a.id} (${a.source})`],
    ['name', a.name],
  ];
  if (a.description) lines.push(['description', a.description]);
  lines.push(['command', `${commandText(a)}${Array.isArray(a.command) ? '  (argv)' : '  (run by the shell)'}`]);
  lines.push(['detector', a.detector ?? '(from the id or the command)']);
  if (a.idleAfter !== undefined) lines.push(['idleAfter', formatDuration(a.idleAfter)]);
  if (a.stuckAfter !== undefined) lines.push(['stuckAfter', formatDuration(a.stuckAfter)]);
  if (a.workingDir) lines.push(['workingDir', a.workingDir]);
  if (a.tags.length) lines.push(['tags', a.tags.join(', ')]);
  for (const [k, v] of Object.entries(a.environment)) lines.push(['environment', `${k}=${v}`]);
  if (a.patterns) {
    for (const kind of ['busy', 'waiting', 'idle'] as const) for (const p of a.patterns[kind] ?? []) lines.push([`patterns.${kind}`, p]);
    if (a.patterns.replace) lines.push(['patterns.replace', 'true']);
  }
  for (const [k, v] of Object.entries(a.params)) if (v !== undefined) lines.push([`params.${k}`, String(v)]);
  const w = Math.max(...lines.map(([k]) => k.length));
  return lines.map(([k, v]) => `${k.padEnd(w)}  ${v}`).join('\n') + '\n';
}

async function formatConfig(c: AmuxConfig, ids: string[]): Promise<string> {
  const { renderTable } = await import('../../util/table.js');
  let out = '';
  out += `project  ${c.projectRoot}\n`;
  out += `config   ${c.file ?? '(none: built-in agents only; amux init writes one)'}\n`;
  out += `user     ${c.userFile ?? '(none)'}\n\n`;
  const rows = ids.map((id) => {
    const a = c.agents[id]!;
    return [id, a.source, a.detector ?? '-', a.idleAfter !== undefined ? formatDuration(a.idleAfter) : '-', a.stuckAfter !== undefined ? formatDuration(a.stuckAfter) : '-', commandText(a)];
  });
  out += renderTable(['AGENT', 'SOURCE', 'DETECTOR', 'IDLE', 'STUCK', 'COMMAND'], rows);
  const w = c.workspaces;
  out += `\nworkspaces  root ${w.root}; base ${w.baseBranch ?? 'the current HEAD'}; copy ${w.copy.length ? w.copy.join(' ') : '(nothing)'}; setup ${w.setup.length ? w.setup.join(' && ') : '(nothing)'}\n`;
  out += `tmux        ${tmuxServerText(c.tmux.socket)}\n`;
  const on = Object.entries(c.notify.on).filter(([, cmds]) => cmds && cmds.length);
  out += `notify      ${on.length ? on.map(([ev, cmds]) => `${ev}: ${cmds!.length} command(s)`).join(', ') + '; ' : ''}displayMessage ${c.notify.displayMessage}, desktop ${c.notify.desktop}\n`;
  return out;
}

export const commands = [ConfigShowCommand];

/** Which server amux uses, and why: the same order as the core's (env, config, $TMUX, default). */
function tmuxServerText(configSocket: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  if (env.AMUX_TMUX_SOCKET) return `socket ${env.AMUX_TMUX_SOCKET} (tmux -L ${env.AMUX_TMUX_SOCKET}, from AMUX_TMUX_SOCKET)`;
  if (configSocket) return `socket ${configSocket} (tmux -L ${configSocket}, from the config)`;
  if (env.TMUX) return `the tmux server this terminal is in (${env.TMUX.split(',')[0]})`;
  return "tmux's default server";
}
