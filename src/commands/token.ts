import { Command, Option } from 'clipanion';
import { AmuxCommand, jsonOption } from './base.js';

export class TokenCreateCommand extends AmuxCommand {
  static override paths = [['token', 'create']];
  static override usage = Command.Usage({
    description: 'create a bearer token for the web API (shown once, stored hashed)',
    details: `
      Prints the token once; amux keeps only its SHA-256 hash (AMUX_HOME/web/tokens.json, mode 0600). Send it as \`Authorization: Bearer TOKEN\`. A \`--read-only\` token can list and read but not start, stop, type or answer; its terminals are read-only.
    `,
    examples: [
      ['A token for a script', '$0 token create ci'],
      ['A read-only token for a wall display', '$0 token create wall --read-only'],
    ],
  });
  name = Option.String({ name: 'NAME' });
  readOnly = Option.Boolean('--read-only', false, { description: 'Reads only: no changes, no input' });
  jsonOut = jsonOption('{name, token, readOnly}');

  async run(): Promise<number> {
    const { createToken } = await import('../web/auth.js');
    const t = createToken(this.name, this.readOnly);
    if (this.jsonOut) this.json(t);
    else {
      this.out(t.token);
      this.err(`amux: token ${t.name}${t.readOnly ? ' (read-only)' : ''} created; it is shown only this once`);
    }
    return 0;
  }
}

export class TokenListCommand extends AmuxCommand {
  static override paths = [['token', 'list'], ['token', 'ls']];
  static override usage = Command.Usage({ description: 'list web API tokens (names only: the tokens are not kept)', examples: [['List', '$0 token list']] });
  jsonOut = jsonOption('the tokens');

  async run(): Promise<number> {
    const { listTokens } = await import('../web/auth.js');
    const all = listTokens().map((t) => ({ name: t.name, readOnly: t.readOnly, createdAt: t.createdAt }));
    if (this.jsonOut) this.json({ tokens: all });
    else if (all.length === 0) this.out('no tokens (amux token create NAME)');
    else for (const t of all) this.out(`${t.name}\t${t.readOnly ? 'read-only' : 'full'}\t${t.createdAt}`);
    return 0;
  }
}

export class TokenRevokeCommand extends AmuxCommand {
  static override paths = [['token', 'revoke']];
  static override usage = Command.Usage({ description: 'revoke a web API token (a running server refuses it at once)', examples: [['Revoke', '$0 token revoke ci']] });
  name = Option.String({ name: 'NAME' });

  async run(): Promise<number> {
    const { revokeToken } = await import('../web/auth.js');
    revokeToken(this.name);
    this.err(`amux: token ${this.name} revoked`);
    return 0;
  }
}

export const commands = [TokenCreateCommand, TokenListCommand, TokenRevokeCommand];
