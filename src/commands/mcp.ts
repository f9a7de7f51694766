import { Command, Option } from 'clipanion';
import { AmuxCommand } from './base.js';
import { UsageError } from '../util/errors.js';
import { McpInstallCommand } from './mcp-install.js';

export class McpCommand extends AmuxCommand {
  static override paths = [['mcp']];
  static override usage = Command.Usage({
    description: 'serve amux to an agent over MCP (stdio, or Streamable HTTP on loopback)',
    details: `
      Speaks the Model Context Protocol on stdin and stdout, for an MCP client such as Claude Code or Codex: tools to list, start, prompt, wait for, read, stop and remove sessions and to manage workspaces, and resources \`amux://sessions\`, \`amux://sessions/{id}\`, \`amux://sessions/{id}/screen\` and \`amux://workspaces\`.

      Waits are bounded (45 s unless a call asks otherwise) and return a cursor to continue, so no call outlives a client's timeout and no reply is lost; a client that cancels a call ends its wait (a prompt still waiting for the agent to be ready is then not typed). Run inside an amux session, the sessions it starts are that session's children, within the config's \`mcp.maxChildren\` and \`mcp.maxDepth\`; workers never inherit the calling agent's own variables.

      \`--http\` serves the same over Streamable HTTP at \`http://127.0.0.1:PORT/mcp\` (loopback only). Every request needs \`Authorization: Bearer TOKEN\`, where TOKEN is the content of \`$AMUX_HOME/mcp-token\` (made on first use, mode 0600; never printed); requests with another Host or a foreign Origin are refused (DNS rebinding). \`amux mcp install\` registers the server with Claude Code or Codex.
    `,
    examples: [
      ['Let Claude Code drive amux (stdio)', 'amux mcp install --claude'],
      ['Serve over HTTP on loopback', '$0 mcp --http --port 7391'],
      ['Call it with curl', 'curl -H "Authorization: Bearer $(cat ~/.local/state/amux/mcp-token)" http://127.0.0.1:7391/mcp'],
    ],
  });

  http = Option.Boolean('--http', false, { description: 'Serve Streamable HTTP on loopback instead of stdio' });
  port = Option.String('--port', { description: 'The HTTP port (default 7391; 0 picks a free one)' });
  host = Option.String('--host', { description: 'The loopback address to bind: 127.0.0.1 (default), ::1 or localhost' });

  async run(): Promise<number> {
    if (!this.http && (this.port !== undefined || this.host !== undefined)) throw new UsageError('--port and --host go with --http');
    return this.http ? this.serveHttp() : this.serveStdio();
  }

  private async serveStdio(): Promise<number> {
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

  private async serveHttp(): Promise<number> {
    const port = this.port === undefined ? undefined : Number(this.port);
    if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) throw new UsageError(`--port takes a port number, got "${this.port}"`);
    const { startHttp } = await import('../mcp/http.js');
    const http = await startHttp({ cwd: process.cwd(), env: process.env, host: this.host, port });
    this.err(`amux mcp: serving MCP (Streamable HTTP) at ${http.url}`);
    this.err(`amux mcp: every request needs the header "Authorization: Bearer <token>"; the token is the content of ${http.tokenFile} (mode 0600)`);
    this.err('amux mcp: Ctrl-C stops it');
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await http.close();
    return 0;
  }
}

export const commands = [McpCommand, McpInstallCommand];
