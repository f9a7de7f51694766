import { Command, Option } from 'clipanion';
import { AmuxCommand } from '../base.js';
import { AmuxError } from '../../util/errors.js';
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
    const { findProjectConfig, findGitRoot, userConfigFile, validateConfigText, formatIssue } = await import('../../config/load.js');
    const { userConfigDir } = await import('../../util/paths.js');
    const { templateText, ensureSchemaCopy, SCHEMA_COPY } = await import('../../config/templates.js');
    const { askYesNo } = await import('../../config/ask.js');

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
    const baseAgents = this.user ? undefined : (await import('../../config/load.js')).baseAgentsFor(file);

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
          if (text.includes(`$schema=${SCHEMA_COPY}`)) ensureSchemaCopy(dirname(file));
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

export const commands = [ConfigEditCommand];
