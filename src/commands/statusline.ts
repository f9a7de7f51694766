import { Command, Option } from 'clipanion';
import { AmuxCommand } from './base.js';
import { getServer } from './context.js';
import { UsageError } from '../util/errors.js';

export class StatuslineCommand extends AmuxCommand {
  static override paths = [['statusline']];
  static override usage = Command.Usage({
    description: 'show session states in the tmux status bar',
    details: `
      \`install\` puts a summary such as "⚙ 3 running · ⏸ 1 waiting · ✓ 2 idle" in front of the running server's status-right (keeping what was there) and a state icon in front of each agent window's entry; window names are never changed. tmux reads everything from options the amux monitor sets, so nothing runs per refresh. \`--persist\` also writes the settings to ~/.tmux.conf.

      \`uninstall\` restores what was there before. \`print\` prints the current summary, the same text status-right shows.
    `,
    examples: [
      ['Add amux to the status bar of the running server', '$0 statusline install'],
      ['... and keep it for new servers', '$0 statusline install --persist'],
      ['Remove it again', '$0 statusline uninstall --persist'],
      ['Print the summary (e.g. for another status bar)', '$0 statusline print'],
    ],
  });

  action = Option.String({ name: 'install|uninstall|print' });
  persist = Option.Boolean('--persist', false, { description: 'Also write (or remove) the settings in ~/.tmux.conf' });

  async run(): Promise<number> {
    const server = await getServer();
    const sl = await import('../state/statusline.js');
    switch (this.action) {
      case 'install': {
        const { ensureDaemon } = await import('../state/daemon-client.js');
        await ensureDaemon(server.socket);
        const r = await sl.installStatusline(server);
        this.out(r.changed.length ? `installed in ${r.changed.join(', ')}` : 'already installed');
        if (this.persist) {
          sl.persistStatusline(await sl.currentStatusValues(server));
          this.out(`written to ${sl.tmuxConfPath()}`);
        }
        return 0;
      }
      case 'uninstall': {
        const restored = await sl.uninstallStatusline(server);
        this.out(restored.length ? `restored ${restored.join(', ')}` : 'not installed');
        if (this.persist && sl.unpersistStatusline()) this.out(`removed from ${sl.tmuxConfPath()}`);
        return 0;
      }
      case 'print': {
        const { ensureDaemon } = await import('../state/daemon-client.js');
        await ensureDaemon(server.socket);
        this.out((await server.getGlobalOption('@amux_summary')) ?? '');
        return 0;
      }
      default:
        throw new UsageError(`statusline takes install, uninstall or print, not "${this.action}"`);
    }
  }
}

export const commands = [StatuslineCommand];
