import { Command, Option } from 'clipanion';
import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AmuxCommand } from './base.js';
import { AmuxError } from '../util/errors.js';
import { askYesNo, interactive } from '../config/ask.js';

const IGNORE_LINE = '.amux/workspaces/';
const COVERING = new Set(['.amux/workspaces/', '.amux/workspaces', '/.amux/workspaces/', '/.amux/workspaces', '.amux/', '.amux', '/.amux/', '/.amux']);

/** Whether a .gitignore text already ignores the workspaces folder. */
export function ignoresWorkspaces(text: string): boolean {
  return text.split('\n').some((l) => COVERING.has(l.trim()));
}

export class InitCommand extends AmuxCommand {
  static override paths = [['init']];
  static override usage = Command.Usage({
    description: 'write a .amux/config.yaml for this project from a template',
    details: `
      Writes \`.amux/config.yaml\` at the git top level (outside git: in the current folder) from one of the templates shipped in amux's \`templates/\` folder: \`default\` (a starting point), \`minimal\` (almost empty) or \`full\` (every setting, commented). The file's first line points editors that use yaml-language-server at amux's JSON Schema.

      An existing config is never overwritten without \`--force\`.

      Workspaces (git worktrees) live in \`.amux/workspaces/\`. init asks (y/N) before adding that folder to \`.gitignore\`; \`--gitignore\` or \`--no-gitignore\` answer in advance. Without a terminal and without either flag, \`.gitignore\` is left alone, and init says so. (amux also keeps its worktrees out of \`git status\` through \`.git/info/exclude\`, so this is only for clones that share the folder.)
    `,
    examples: [
      ['Start a config for this repository', '$0 init'],
      ['Every setting amux understands, commented', '$0 init --template full'],
      ['In a script: minimal config, and ignore the workspaces folder', '$0 init --template minimal --gitignore'],
      ['Replace an existing config with the default template', '$0 init --force --no-gitignore'],
    ],
  });

  template = Option.String('-t,--template', 'default', { description: 'Template: default, minimal or full' });
  gitignore = Option.Boolean('--gitignore', { description: 'Add .amux/workspaces/ to .gitignore without asking (--no-gitignore: leave it alone)' });
  force = Option.Boolean('-f,--force', false, { description: 'Overwrite an existing .amux/config.yaml' });

  async run(): Promise<number> {
    const { findGitRoot, CONFIG_NAMES } = await import('../config/load.js');
    const { templateText, ensureSchemaCopy } = await import('../config/templates.js');
    const gitRoot = findGitRoot(process.cwd());
    const root = gitRoot ?? process.cwd();
    const dir = join(root, '.amux');
    const text = templateText(this.template, dir);

    const existing = CONFIG_NAMES.map((n) => join(dir, n)).find((f) => existsSync(f));
    if (existing && !this.force) throw new AmuxError(`${existing} already exists (amux config edit changes it; --force overwrites it)`);
    const file = existing ?? join(dir, 'config.yaml');

    const { validateConfigText, formatIssue } = await import('../config/validate.js');
    const issues = validateConfigText(text, file);
    if (issues.length) throw new AmuxError(`template "${this.template}" does not validate (a bug in amux):\n${issues.map(formatIssue).join('\n')}`);

    mkdirSync(dir, { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, text);
    renameSync(tmp, file);
    this.out(`wrote ${file} (template ${this.template})`);
    const schema = ensureSchemaCopy(dir);
    if (schema) this.out(`wrote ${schema} (the schema editors check the config against; commit it with the config)`);

    this.updateGitignore(root, gitRoot !== null);
    this.out('next: amux config show (what is in effect) · amux config edit · amux run claude');
    return 0;
  }

  private updateGitignore(root: string, inGit: boolean): void {
    const ignoreFile = join(root, '.gitignore');
    let text = '';
    try {
      text = readFileSync(ignoreFile, 'utf8');
    } catch {
      /* no .gitignore yet */
    }
    if (ignoresWorkspaces(text)) return;
    let add = this.gitignore;
    if (add === undefined) {
      if (!inGit) return;
      if (!interactive()) {
        this.out(`left ${ignoreFile} alone (no terminal to ask on; --gitignore adds ${IGNORE_LINE})`);
        return;
      }
      add = askYesNo(`Add ${IGNORE_LINE} to ${ignoreFile}?`, { dflt: false });
    }
    if (!add) return;
    appendFileSync(ignoreFile, `${text.length && !text.endsWith('\n') ? '\n' : ''}# amux workspaces (git worktrees)\n${IGNORE_LINE}\n`);
    this.out(`added ${IGNORE_LINE} to ${ignoreFile}`);
  }
}

export const commands = [InitCommand];
