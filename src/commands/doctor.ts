import { Command } from 'clipanion';
import { AmuxCommand, jsonOption } from './base.js';
import { doctor } from '../core/doctor.js';

export class DoctorCommand extends AmuxCommand {
  static override paths = [['doctor']];
  static override usage = Command.Usage({
    description: 'check that amux has what it needs',
    details: 'Checks tmux (3.2 or newer), the tmux server amux will use, git, perl (the log writer), the config file, the state directory and the agent programs on PATH.',
    examples: [
      ['Check everything', '$0 doctor'],
      ['As JSON', '$0 doctor --json'],
    ],
  });

  jsonOut = jsonOption('the checks');

  async run(): Promise<number> {
    const { ok, checks } = await doctor();
    if (this.jsonOut) this.json({ ok, checks });
    else for (const c of checks) this.out(`${c.ok ? 'ok  ' : c.warn ? 'warn' : 'FAIL'}  ${c.name.padEnd(14)} ${c.detail}`);
    return ok ? 0 : 1;
  }
}

export const commands = [DoctorCommand];
