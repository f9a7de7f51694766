import { Command, Option } from 'clipanion';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync, appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../util/root.js';
import { AmuxCommand } from './base.js';
import { UsageError, AmuxError } from '../util/errors.js';
import { ask } from '../util/prompt.js';

export const templatesDir = () => join(PACKAGE_ROOT, 'templates');
export const schemaPath = () => join(templatesDir(), 'config.schema.json');

export function templateNames(): string[] {
  return readdirSync(templatesDir())
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => f.slice(0, -5))
    .sort();
}

/** A template's text with the editor schema line pointing at this installation's schema. */
export function templateText(name: string): string {
  if (!templateNames().includes(name)) throw new UsageError(`unknown template "${name}" (templates: ${templateNames().join(', ')})`);
  return readFileSync(join(templatesDir(), `${name}.yaml`), 'utf8').replace('__AMUX_SCHEMA__', schemaPath());
}

export class InitCommand extends AmuxCommand {
  static override paths = [['init']];
  static override usage = Command.Usage({
    description: 'write a .amux/config.yaml for this project',
    details: `
      Writes \`.amux/config.yaml\` at the git top level (or here, outside git) from a template: ${'`default`'}, ${'`minimal`'} or ${'`full`'} (every setting, commented). It refuses to overwrite an existing file without \`--force\`.

      Workspaces live in \`.amux/workspaces/\`; init asks before adding that to \`.gitignore\` (\`--gitignore\` / \`--no-gitignore\` answer in advance; without a terminal and without either flag, .gitignore is left alone).
    `,
    examples: [
      ['Start a config', '$0 init'],
      ['Everything amux understands, commented', '$0 init --template full'],
      ['In a script', '$0 init --template minimal --gitignore'],
    ],
  });

  template = Option.String('--template', 'default', { description: 'Template name (default, minimal, full)' });
  gitignore = Option.Boolean('--gitignore', { description: 'Add .amux/workspaces/ to .gitignore (--no-gitignore: do not)' });
  force = Option.Boolean('-f,--force', false, { description: 'Overwrite an existing config' });

  async run(): Promise<number> {
    const text = templateText(this.template);
    const { findGitRoot } = await import('../config/load.js');
    const root = findGitRoot(process.cwd()) ?? process.cwd();
    const dir = join(root, '.amux');
    const file = join(dir, 'config.yaml');
    if (existsSync(file) && !this.force) throw new AmuxError(`${file} already exists (use --force to overwrite)`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(file, text);
    this.out(`wrote ${file} (template ${this.template})`);

    const ignoreFile = join(root, '.gitignore');
    const line = '.amux/workspaces/';
    const has = existsSync(ignoreFile) && readFileSync(ignoreFile, 'utf8').split('\n').some((l) => l.trim() === line || l.trim() === '/.amux/workspaces/' || l.trim() === '.amux/');
    if (has) return 0;
    let add = this.gitignore;
    if (add === undefined) {
      if (process.stdin.isTTY) add = await ask(`Add ${line} to ${ignoreFile}? [Y/n] `, true);
      else {
        this.out(`left .gitignore alone (add ${line} yourself, or run amux init --gitignore --force)`);
        return 0;
      }
    }
    if (add) {
      const prefix = existsSync(ignoreFile) && !readFileSync(ignoreFile, 'utf8').endsWith('\n') && readFileSync(ignoreFile, 'utf8').length > 0 ? '\n' : '';
      appendFileSync(ignoreFile, `${prefix}# amux workspaces (git worktrees)\n${line}\n`);
      this.out(`added ${line} to ${ignoreFile}`);
    }
    return 0;
  }
}

export const commands = [InitCommand];
