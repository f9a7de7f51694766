import { Command, Option } from 'clipanion';
import { AmuxCommand, jsonOption } from './base.js';
import { UsageError } from '../util/errors.js';

const ACTIONS = ['install', 'uninstall', 'start', 'stop', 'restart', 'status'] as const;
type ServiceAction = (typeof ACTIONS)[number];

export class ServiceCommand extends AmuxCommand {
  static override paths = [['service']];
  static override usage = Command.Usage({
    description: 'run the monitor and amux serve as a user service (systemd, launchd)',
    details: `
      \`install\` writes a systemd user unit (\`$XDG_CONFIG_HOME/systemd/user/amux.service\`; on macOS a launchd agent, \`~/Library/LaunchAgents/dev.amux.serve.plist\`) that starts the monitor and keeps \`amux serve\` running, then enables and starts it (\`--no-enable\` only writes it). Stopping the service never stops your agents: the tmux server runs outside it. \`--print\` shows the unit and writes nothing. Running install again rewrites the unit (after an upgrade, say).

      \`uninstall\` stops, disables and removes it; \`start\`, \`stop\`, \`restart\` and \`status\` (\`--json\`) do what they say.

      Without \`loginctl enable-linger\`, systemd stops user services (and may end the processes of your login) at the last logout: install says so when lingering is off. On Linux with systemd, amux also starts its tmux server under \`systemd-run --user --scope\`, so logging out of SSH does not kill every agent (\`AMUX_SYSTEMD_SCOPE=0\` turns that off).

      Where there is no service manager (a container, a machine without systemd) every action says so, exits 1, and shows the command to run in the foreground instead. \`AMUX_SERVICE_MANAGER=none\` makes amux behave so on any machine.
    `,
    examples: [
      ['Install and start it', '$0 service install'],
      ['See the unit first', '$0 service install --print'],
      ['Is it running?', '$0 service status'],
      ['Remove it', '$0 service uninstall'],
    ],
  });

  action = Option.String({ name: ACTIONS.join('|') });
  print = Option.Boolean('--print', false, { description: 'install: show the unit; write nothing' });
  enable = Option.Boolean('--enable', true, { description: 'install: enable and start it (--no-enable only writes the unit)' });
  jsonOut = jsonOption('the status');

  async run(): Promise<number> {
    const action = this.action as ServiceAction;
    if (!ACTIONS.includes(action)) throw new UsageError(`service takes ${ACTIONS.join(', ')}, not "${this.action}"`);
    if (this.print && action !== 'install') throw new UsageError('--print goes with install');
    const m = await import('../service/manager.js');
    const { probeSystemd } = await import('../tmux/scope.js');
    const manager = m.detectManager(probeSystemd(), process.env);
    const env = process.env;

    if (action === 'install') {
      // Without a manager, the unit this platform would use (systemd's on Linux).
      const kind = manager.kind !== 'none' ? manager.kind : process.platform === 'darwin' ? 'launchd' : 'systemd';
      const def = m.definition(kind, env);
      if (this.print) {
        this.context.stdout.write(def.text);
        this.err(`amux: this is ${def.file} (--print: nothing written)`);
        if (manager.kind === 'none') this.err(`amux: no service manager here: ${manager.why}`);
        return 0;
      }
      if (manager.kind === 'none' && this.enable) throw m.noManager(manager);
      const changed = m.writeDefinition(def.file, def.text);
      this.out(`${changed ? 'wrote' : 'unchanged'}: ${def.file}`);
      if (manager.kind === 'none') {
        this.out(`not enabled: no service manager here (${manager.why}); in the foreground: ${(await import('../service/unit.js')).foregroundCommand()}`);
        return 0;
      }
      await m.activate(manager.kind, def.file, this.enable);
      this.out(this.enable ? 'enabled and started: amux serve runs as a service' : 'written, not enabled (amux service start runs it once; install without --no-enable enables it)');
      if (manager.kind === 'systemd' && m.lingering() === false) this.out(`note: ${m.lingerAdvice()}`);
      return 0;
    }

    if (action === 'uninstall') {
      if (manager.kind === 'none') {
        const { file } = m.definition(process.platform === 'darwin' ? 'launchd' : 'systemd', env);
        if (m.removeDefinition(file)) {
          this.out(`removed: ${file}`);
          return 0;
        }
        throw m.noManager(manager);
      }
      const { file } = m.definition(manager.kind, env);
      await m.deactivate(manager.kind);
      const removed = m.removeDefinition(file);
      await m.afterRemoval(manager.kind);
      this.out(removed ? `stopped, disabled and removed: ${file}` : `not installed (no ${file})`);
      return 0;
    }

    if (manager.kind === 'none') {
      if (action === 'status' && this.jsonOut) {
        const { foregroundCommand } = await import('../service/unit.js');
        this.json({ manager: 'none', why: manager.why, foreground: foregroundCommand(), installed: false, active: null, enabled: null });
        return 1;
      }
      throw m.noManager(manager);
    }
    const { file } = m.definition(manager.kind, env);
    if (action === 'status') {
      const st = await m.status(manager.kind, env);
      if (this.jsonOut) this.json(st);
      else {
        this.out(st.installed ? `${st.active ? 'running' : 'not running'} (${st.detail}): ${file}` : `not installed (amux service install writes ${file})`);
        if (st.linger === false) this.out(`note: ${m.lingerAdvice()}`);
      }
      return st.active ? 0 : 1;
    }
    if (!(await import('node:fs')).existsSync(file)) throw new UsageError(`the service is not installed (no ${file}): amux service install`);
    await m.control(manager.kind, action);
    this.out(`${action === 'stop' ? 'stopped' : action === 'start' ? 'started' : 'restarted'}: ${manager.kind === 'systemd' ? 'amux.service' : 'dev.amux.serve'}`);
    return 0;
  }
}

export const commands = [ServiceCommand];
