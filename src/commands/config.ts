import { Command, Option } from 'clipanion';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { AmuxCommand } from './base.js';
import { AmuxError } from '../util/errors.js';
import { ask } from '../util/prompt.js';
import { formatAge } from '../util/duration.js';

export class ConfigShowCommand extends AmuxCommand {
  static override paths = [['config', 'show'], ['config']];
  static override usage = Command.Usage({
    category: 'Config',
    description: 'show the effective config: presets, user and project agents merged',
    examples: [
      ['The agents amux knows here', '$0 config show'],
      ['As JSON', '$0 config show --json'],
    ],
  });

  jsonOut = Option.Boolean('--json', false, { description: 'Print JSON' });

  async run(): Promise<number> {
    const { loadConfig, knownAgents } = await import('../config/load.js');
    const c = loadConfig({ cwd: process.cwd() });
    if (this.jsonOut) {
      this.json(c);
      return 0;
    }
    this.out(`project: ${c.projectRoot}`);
    this.out(`config:  ${c.file ?? '(none: built-in presets only; amux init writes one)'}`);
    if (c.userFile) this.out(`user:    ${c.userFile}`);
    this.out('agents:');
    for (const id of knownAgents(c)) {
      const a = c.agents[id]!;
      const cmd = Array.isArray(a.command) ? a.command.join(' ') : a.command;
      const extra = [a.detector && `detector ${a.detector}`, a.idleAfter !== undefined && `idleAfter ${formatAge(a.idleAfter)}`, a.stuckAfter !== undefined && `stuckAfter ${formatAge(a.stuckAfter)}`]
        .filter(Boolean)
        .join(', ');
      this.out(`  ${id.padEnd(14)} ${cmd}  [${a.source}${extra ? `; ${extra}` : ''}]`);
    }
    this.out(`workspaces: ${c.workspaces.root}${c.workspaces.copy.length ? `, copy ${c.workspaces.copy.join(' ')}` : ''}${c.workspaces.setup.length ? `, setup: ${c.workspaces.setup.join(' && ')}` : ''}`);
    return 0;
  }
}

export class ConfigValidateCommand extends AmuxCommand {
  static override paths = [['config', 'validate']];
  static override usage = Command.Usage({
    category: 'Config',
    description: 'check a config file; every problem is printed as file:line:col',
    examples: [
      ["Check this project's config", '$0 config validate'],
      ['Check another file', '$0 config validate path/to/config.yaml'],
    ],
  });

  file = Option.String({ required: false, name: 'FILE' });

  async run(): Promise<number> {
    const { findProjectConfig, validateConfigText, formatIssue } = await import('../config/load.js');
    const file = this.file ? resolve(this.file) : findProjectConfig(process.cwd())?.file;
    if (!file) throw new AmuxError('no .amux/config.yaml here or above (amux init writes one)');
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      throw new AmuxError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    const issues = validateConfigText(text, file);
    if (issues.length === 0) {
      this.out(`ok: ${file}`);
      return 0;
    }
    for (const i of issues) this.err(formatIssue(i));
    return 1;
  }
}

export class ConfigEditCommand extends AmuxCommand {
  static override paths = [['config', 'edit']];
  static override usage = Command.Usage({
    category: 'Config',
    description: 'edit the config in $EDITOR; a broken edit is never saved',
    details: `
      Opens a copy of the project's config in \`$VISUAL\` or \`$EDITOR\` (else vi). When the editor exits, the copy is validated: a valid copy replaces the file; errors are printed and you are asked whether to reopen the editor (answering no discards the edit and exits 1, leaving the file as it was). Without a terminal the answer is read from standard input (default: no).
    `,
    examples: [
      ['Edit the config', '$0 config edit'],
      ['With another editor', 'EDITOR=nano $0 config edit'],
    ],
  });

  async run(): Promise<number> {
    const { findProjectConfig, findGitRoot, validateConfigText, formatIssue } = await import('../config/load.js');
    let file = findProjectConfig(process.cwd())?.file;
    if (!file) {
      const { templateText } = await import('./init.js');
      const root = findGitRoot(process.cwd()) ?? process.cwd();
      file = join(root, '.amux', 'config.yaml');
      this.err(`no config yet: starting ${file} from the default template`);
      const { mkdirSync } = await import('node:fs');
      mkdirSync(join(root, '.amux'), { recursive: true });
      writeFileSync(join(root, '.amux', '.config.yaml.new'), templateText('default'));
      renameSync(join(root, '.amux', '.config.yaml.new'), file);
    }
    const editor = (process.env.VISUAL || process.env.EDITOR || 'vi').trim().split(/\s+/);
    const dir = mkdtempSync(join(tmpdir(), 'amux-config-'));
    const copy = join(dir, basename(file));
    try {
      copyFileSync(file, copy);
      for (;;) {
        const r = spawnSync(editor[0]!, [...editor.slice(1), copy], { stdio: 'inherit' });
        if (r.error) throw new AmuxError(`cannot run the editor "${editor[0]}": ${(r.error as NodeJS.ErrnoException).code ?? r.error.message}`);
        if (r.status !== 0) {
          this.err(`amux: the editor exited with ${r.status}; ${file} left unchanged`);
          return 1;
        }
        const text = readFileSync(copy, 'utf8');
        const issues = validateConfigText(text, file);
        if (issues.length === 0) {
          if (text === readFileSync(file, 'utf8')) {
            this.out('no changes');
            return 0;
          }
          const tmp = `${file}.amux-tmp`;
          writeFileSync(tmp, text);
          renameSync(tmp, file);
          this.out(`saved ${file}`);
          return 0;
        }
        for (const i of issues) this.err(formatIssue(i));
        if (!(await ask('The config has errors. Reopen the editor? [Y/n] ', process.stdin.isTTY === true))) {
          this.err(`amux: edit discarded; ${file} left unchanged`);
          return 1;
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
      if (!existsSync(file)) this.err(`amux: ${file} is missing`);
    }
  }
}

export const commands = [ConfigShowCommand, ConfigValidateCommand, ConfigEditCommand];
