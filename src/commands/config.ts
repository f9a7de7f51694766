import { Command, Option } from 'clipanion';
import { AmuxCommand, jsonOption } from './base.js';
import { AmuxError } from '../util/errors.js';
import type { AgentSpec, AmuxConfig } from '../config/types.js';

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
    const { loadConfig, knownAgents, resolveAgent } = await import('../config/load.js');
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
  const { renderTable } = await import('../util/table.js');
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
  out += `tmux        ${c.tmux.socket ? `socket ${c.tmux.socket} (tmux -L ${c.tmux.socket})` : 'the current tmux server'}\n`;
  const on = Object.entries(c.notify.on).filter(([, cmds]) => cmds && cmds.length);
  out += `notify      ${on.length ? on.map(([ev, cmds]) => `${ev}: ${cmds!.length} command(s)`).join(', ') + '; ' : ''}displayMessage ${c.notify.displayMessage}, desktop ${c.notify.desktop}\n`;
  return out;
}

/** The agents defined under a project file (presets and the user file's), for "command is required". */
async function baseAgentsFor(file: string): Promise<string[]> {
  const { PRESET_IDS } = await import('../config/presets.js');
  const { userConfigFile, loadLayer } = await import('../config/load.js');
  const user = userConfigFile();
  if (!user || user === file) return [...PRESET_IDS];
  const { layer } = loadLayer(user);
  return [...PRESET_IDS, ...Object.keys(layer.agents)];
}

export class ConfigValidateCommand extends AmuxCommand {
  static override paths = [['config', 'validate']];
  static override usage = Command.Usage({
    category: 'Config',
    description: 'check config files; every problem is printed as file:line:col: message',
    details: `
      Without FILE, checks the project's \`.amux/config.yaml\` (found by walking up from here) and the user-wide \`$XDG_CONFIG_HOME/amux/config.yaml\`, whichever exist. Prints \`ok: FILE\` for a valid file; otherwise every problem found (YAML syntax, unknown keys, wrong types, bad durations, regular expressions and ids), one per line on stderr, and exits 1.
    `,
    examples: [
      ["Check this project's config (and the user-wide one)", '$0 config validate'],
      ['Check a file anywhere', '$0 config validate path/to/config.yaml'],
    ],
  });

  file = Option.String({ required: false, name: 'FILE' });

  async run(): Promise<number> {
    const { resolve } = await import('node:path');
    const { readFileSync } = await import('node:fs');
    const { findProjectConfig, userConfigFile, validateConfigText, formatIssue } = await import('../config/load.js');
    let files: string[];
    if (this.file !== undefined) files = [resolve(this.file)];
    else {
      files = [userConfigFile(), findProjectConfig(process.cwd())?.file ?? null].filter((f): f is string => f !== null);
      if (files.length === 0) throw new AmuxError('no config file here or above (.amux/config.yaml) nor a user config; amux init writes one');
    }
    let failed = false;
    for (const file of files) {
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (e) {
        throw new AmuxError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      }
      const issues = validateConfigText(text, file, { baseAgents: await baseAgentsFor(file) });
      if (issues.length === 0) this.out(`ok: ${file}`);
      else {
        failed = true;
        for (const i of issues) this.err(formatIssue(i));
      }
    }
    return failed ? 1 : 0;
  }
}

export class ConfigEditCommand extends AmuxCommand {
  static override paths = [['config', 'edit']];
  static override usage = Command.Usage({
    category: 'Config',
    description: 'edit the config in $EDITOR; a broken edit is never saved',
    details: `
      Opens a private copy of the project's \`.amux/config.yaml\` (with \`--user\`: the user-wide file) in \`$VISUAL\`, else \`$EDITOR\`, else \`vi\`. The editor variable is split on spaces (\`EDITOR="code --wait"\` works) and run directly, not through a shell. When there is no config yet, the copy starts from the default template, and the file is created only if you save a valid one.

      When the editor exits, the copy is validated. A valid copy replaces the file in one atomic rename. Otherwise the problems are printed (\`file:line:col: message\`) and you are asked "Reopen the editor? [Y/n]": yes reopens the copy as you left it; no discards the edit and exits 1, leaving the file untouched. An editor that exits non-zero (e.g. vim's \`:cq\`) also discards the edit.

      Without a terminal, the answer is read as one line from standard input (\`y\` or \`n\`), and an empty line or end of input means no. \`--reopen\` answers yes and \`--no-reopen\` answers no without asking.
    `,
    examples: [
      ["Edit this project's config", '$0 config edit'],
      ['Edit the user-wide config (agents for every project)', '$0 config edit --user'],
      ['With another editor', 'EDITOR="code --wait" $0 config edit'],
      ['In a script: discard the edit on the first error', '$0 config edit --no-reopen'],
    ],
  });

  user = Option.Boolean('--user', false, { description: 'Edit the user-wide config ($XDG_CONFIG_HOME/amux/config.yaml)' });
  reopen = Option.Boolean('--reopen', { description: 'On errors, reopen the editor without asking (--no-reopen: discard without asking)' });

  async run(): Promise<number> {
    const fs = await import('node:fs');
    const { join, dirname } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const { spawnSync } = await import('node:child_process');
    const { findProjectConfig, findGitRoot, userConfigFile, validateConfigText, formatIssue } = await import('../config/load.js');
    const { userConfigDir } = await import('../util/paths.js');
    const { templateText } = await import('../config/templates.js');
    const { askYesNo } = await import('../config/ask.js');

    // The file to edit, and the text the copy starts from.
    let file: string;
    let original: string | null = null;
    if (this.user) file = userConfigFile() ?? join(userConfigDir(), 'config.yaml');
    else file = findProjectConfig(process.cwd())?.file ?? join(findGitRoot(process.cwd()) ?? process.cwd(), '.amux', 'config.yaml');
    try {
      file = fs.realpathSync(file);
      original = fs.readFileSync(file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw new AmuxError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    const start = original ?? templateText(this.user ? 'minimal' : 'default', dirname(file));
    if (original === null) this.err(`${file} does not exist yet: starting from the ${this.user ? 'minimal' : 'default'} template (nothing is written unless you save a valid config)`);

    const editor = (process.env.VISUAL || process.env.EDITOR || 'vi').trim().split(/\s+/).filter(Boolean);
    if (editor.length === 0) editor.push('vi');
    const baseAgents = this.user ? undefined : await baseAgentsFor(file);

    const dir = fs.mkdtempSync(join(tmpdir(), 'amux-config-'));
    const copy = join(dir, 'config.yaml');
    let keepCopy = false;
    // Ctrl-C belongs to the editor while it runs; amux must survive it to clean up.
    const ignore = () => undefined;
    process.on('SIGINT', ignore);
    try {
      fs.writeFileSync(copy, start, { mode: 0o600 });
      for (;;) {
        const r = spawnSync(editor[0]!, [...editor.slice(1), copy], { stdio: 'inherit' });
        if (r.error) throw new AmuxError(`cannot run the editor "${editor[0]}": ${(r.error as NodeJS.ErrnoException).code ?? r.error.message} (set $EDITOR or $VISUAL)`);
        if (r.status !== 0) {
          this.err(`amux: the editor ${r.signal ? `was killed by ${r.signal}` : `exited with code ${r.status}`}; edit discarded, ${file} left unchanged`);
          return 1;
        }
        const text = fs.readFileSync(copy, 'utf8');
        const issues = validateConfigText(text, file, { baseAgents });
        if (issues.length === 0) {
          if (text === original || (original === null && text === start)) {
            this.out(original === null ? `no changes; ${file} not created` : `no changes to ${file}`);
            return 0;
          }
          // Someone else changed the file meanwhile: do not overwrite their work.
          let now: string | null = null;
          try {
            now = fs.readFileSync(file, 'utf8');
          } catch {
            /* still absent */
          }
          if (now !== original) {
            keepCopy = true;
            throw new AmuxError(`${file} changed on disk while you were editing; your version is kept in ${copy}`);
          }
          fs.mkdirSync(dirname(file), { recursive: true });
          const tmp = `${file}.amux-${process.pid}.tmp`;
          let mode = 0o644;
          try {
            mode = fs.statSync(file).mode & 0o777;
          } catch {
            /* a new file */
          }
          fs.writeFileSync(tmp, text, { mode });
          fs.chmodSync(tmp, mode);
          fs.renameSync(tmp, file);
          this.out(`saved ${file}`);
          return 0;
        }
        for (const i of issues) this.err(formatIssue(i));
        const again = this.reopen ?? askYesNo(`${issues.length} problem${issues.length === 1 ? '' : 's'}. Reopen the editor?`, { dflt: true, noTtyDefault: false });
        if (!again) {
          this.err(`amux: edit discarded; ${file} left unchanged`);
          return 1;
        }
      }
    } finally {
      process.off('SIGINT', ignore);
      if (!keepCopy) fs.rmSync(dir, { recursive: true, force: true });
    }
  }
}

export const commands = [ConfigShowCommand, ConfigValidateCommand, ConfigEditCommand];
