import { Command, Option } from 'clipanion';
import { AmuxCommand, jsonOption } from './base.js';
import { UsageError } from '../util/errors.js';

export class McpInstallCommand extends AmuxCommand {
  static override paths = [['mcp', 'install']];
  static override usage = Command.Usage({
    description: 'register amux mcp with Claude Code or Codex',
    details: `
      Registers \`amux mcp\` (stdio) where the CLI looks for MCP servers, and prints every file it changes with exactly what amux writes there. Other content of those files is kept: JSON files are parsed and written back with only amux's keys changed, and in Codex's TOML only the \`[mcp_servers.amux]\` table is replaced. Running it again changes nothing.

      Claude Code, \`--scope project\` (the default): \`mcpServers.amux\` in the project's \`.mcp.json\`, and in \`.claude/settings.local.json\` the permission rule \`mcp__amux__*\` (amux's tools run without a dialog per call) and \`enabledMcpjsonServers: ["amux"]\`. \`--scope user\`: \`~/.claude.json\` and \`~/.claude/settings.json\`.

      Codex: \`[mcp_servers.amux]\` in \`$CODEX_HOME/config.toml\` (default \`~/.codex\`); Codex has user scope only.

      \`--print\` shows the same and writes nothing.
    `,
    examples: [
      ['Claude Code, this project', '$0 mcp install --claude'],
      ['Claude Code for every project, and Codex', '$0 mcp install --claude --codex --scope user'],
      ['See what it would write', '$0 mcp install --codex --print'],
    ],
  });

  claude = Option.Boolean('--claude', false, { description: 'Register with Claude Code' });
  codex = Option.Boolean('--codex', false, { description: 'Register with Codex' });
  scope = Option.String('--scope', { description: 'project (default; Claude Code only) or user' });
  print = Option.Boolean('--print', false, { description: 'Show what would be written; write nothing' });
  jsonOut = jsonOption('the changes');

  async run(): Promise<number> {
    if (!this.claude && !this.codex) throw new UsageError('which CLI? add --claude, --codex or both');
    const scope = this.scope ?? (this.claude ? 'project' : 'user');
    if (scope !== 'project' && scope !== 'user') throw new UsageError(`--scope takes project or user, not "${scope}"`);
    if (this.codex && scope === 'project' && this.scope !== undefined && !this.claude) throw new UsageError('Codex reads MCP servers from its user config only: use --scope user (the default for --codex)');
    const { planInstall, applyChanges } = await import('../mcp/install.js');
    const { locateProject } = await import('../config/load.js');
    const where = { env: process.env, project: locateProject(process.cwd()).root };
    const changes = [...(this.claude ? planInstall('claude', scope, where) : []), ...(this.codex ? planInstall('codex', 'user', where) : [])];
    if (!this.print) applyChanges(changes);
    if (this.jsonOut) {
      this.json(changes.map((c) => ({ file: c.file, writes: c.shows, changed: c.text !== null, created: c.created && c.text !== null, written: !this.print && c.text !== null })));
      return 0;
    }
    for (const c of changes) {
      const verb = c.text === null ? 'already has' : this.print ? (c.created ? 'would create, with' : 'would add') : c.created ? 'created, with' : 'added';
      this.out(`${c.file}: ${verb}\n${c.shows.replace(/^/gm, '  ').replace(/\n  $/, '')}\n\n`);
    }
    if (this.print) this.out('(--print: nothing written)');
    else if (changes.every((c) => c.text === null)) this.out('nothing to change: amux is registered already');
    else if (this.claude) this.out('Restart Claude Code (or run /mcp) to pick it up.');
    return 0;
  }
}
