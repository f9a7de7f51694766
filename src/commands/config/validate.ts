import { Command, Option } from 'clipanion';
import { AmuxCommand } from '../base.js';
import { AmuxError } from '../../util/errors.js';
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
    const { findProjectConfig, userConfigFile, validateConfigText, formatIssue } = await import('../../config/load.js');
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
      const issues = validateConfigText(text, file, { baseAgents: (await import('../../config/load.js')).baseAgentsFor(file) });
      if (issues.length === 0) this.out(`ok: ${file}`);
      else {
        failed = true;
        for (const i of issues) this.err(formatIssue(i));
      }
    }
    return failed ? 1 : 0;
  }
}

export const commands = [ConfigValidateCommand];
