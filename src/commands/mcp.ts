import { Command } from 'clipanion';
import { AmuxCommand } from './base.js';

export class McpCommand extends AmuxCommand {
  static override paths = [['mcp']];
  static override usage = Command.Usage({
    description: 'serve amux to an agent over MCP (stdio)',
    details: `
      Speaks the Model Context Protocol on stdin and stdout, for an MCP client such as Claude Code or Codex: tools to list, start, prompt, wait for, read, stop and remove sessions and to manage workspaces, and resources \`amux://sessions\`, \`amux://sessions/{id}\`, \`amux://sessions/{id}/screen\` and \`amux://workspaces\`.

      Waits are bounded (45 s unless a call asks otherwise) and return a cursor to continue, so no call outlives a client's timeout and no reply is lost. Run inside an amux session, the sessions it starts are that session's children, within the config's \`mcp.maxChildren\` and \`mcp.maxDepth\`; workers never inherit the calling agent's own variables.
    `,
    examples: [['Let Claude Code drive amux', 'claude mcp add amux -- amux mcp']],
  });

  async run(): Promise<number> {
    const { createServer } = await import('../mcp/server.js');
    const { StdioServerTransport } = await import('@modelcontextprotocol/sdk/server/stdio.js');
    const server = createServer({ cwd: process.cwd(), env: process.env });
    const transport = new StdioServerTransport();
    const closed = new Promise<void>((resolve) => (transport.onclose = resolve));
    await server.connect(transport);
    // The client ends the session by closing our stdin.
    process.stdin.once('end', () => void server.close());
    await closed;
    return 0;
  }
}

export const commands = [McpCommand];
