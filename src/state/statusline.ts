import { existsSync, readFileSync, rmSync, writeFileSync, renameSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Server } from '../tmux/server.js';
import { globalOptionConfLine, type StatusOption } from '../tmux/options.js';

/**
 * The tmux status bar integration. Everything shown is read by tmux from user options the
 * monitor sets (`@amux_summary` globally, `@amux_state_icon` per window): no process runs per
 * refresh. Install keeps what the user had and saves it for uninstall.
 */
export const SUMMARY_FMT = '#{?#{@amux_summary},#{@amux_summary} │ ,}';
/**
 * Two spaces after the icon: terminals draw some of the icons (⚙ ⏸ ⚠) two cells wide while tmux
 * counts one, and a single space would be drawn over, the icon touching the name.
 */
export const ICON_FMT = '#{?#{@amux_state_icon},#{@amux_state_icon}  ,}';

const TARGETS = [
  { option: 'status-right', prefix: SUMMARY_FMT, saved: '@amux_saved_status_right' },
  { option: 'window-status-format', prefix: ICON_FMT, saved: '@amux_saved_window_status_format' },
  { option: 'window-status-current-format', prefix: ICON_FMT, saved: '@amux_saved_window_status_current_format' },
] as const;

export interface InstallResult {
  changed: string[];
  already: string[];
}

export async function installStatusline(server: Server): Promise<InstallResult> {
  const res: InstallResult = { changed: [], already: [] };
  for (const t of TARGETS) {
    const cur = (await server.getGlobalOption(t.option)) ?? '';
    if (cur.includes(t.prefix)) {
      res.already.push(t.option);
      continue;
    }
    await server.setGlobalOptions({ [t.saved]: cur, [t.option]: t.prefix + cur });
    res.changed.push(t.option);
  }
  const len = Number((await server.getGlobalOption('status-right-length')) ?? '0');
  if (len < 100) {
    await server.setGlobalOptions({ '@amux_saved_status_right_length': String(len), 'status-right-length': '120' });
  }
  // tmux's default status-left (`[#S] `, 10 columns) cuts every amux session to `[amux-xxxx`.
  const left = Number((await server.getGlobalOption('status-left-length')) ?? '0');
  if (left < 32) {
    await server.setGlobalOptions({ '@amux_saved_status_left_length': String(left), 'status-left-length': '32' });
  }
  return res;
}

export async function uninstallStatusline(server: Server): Promise<string[]> {
  const restored: string[] = [];
  for (const t of TARGETS) {
    const cur = (await server.getGlobalOption(t.option)) ?? '';
    if (!cur.includes(t.prefix)) continue;
    const saved = await server.getGlobalOption(t.saved);
    const value = saved !== null && saved !== '' ? saved : cur.split(t.prefix).join('');
    await server.setGlobalOptions({ [t.option]: value }, [t.saved]);
    restored.push(t.option);
  }
  const savedLen = await server.getGlobalOption('@amux_saved_status_right_length');
  if (savedLen) await server.setGlobalOptions({ 'status-right-length': savedLen }, ['@amux_saved_status_right_length']);
  const savedLeft = await server.getGlobalOption('@amux_saved_status_left_length');
  if (savedLeft) await server.setGlobalOptions({ 'status-left-length': savedLeft }, ['@amux_saved_status_left_length']);
  return restored;
}

const BEGIN = '# >>> amux statusline >>>';
const END = '# <<< amux statusline <<<';

export function tmuxConfPath(): string {
  return join(homedir(), '.tmux.conf');
}

/** Writes (or replaces) amux's block in ~/.tmux.conf so new servers get the status line too. */
export function persistStatusline(values: Partial<Record<StatusOption, string>>, file = tmuxConfPath()): void {
  const old = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const lines = [BEGIN, '# Added by `amux statusline install --persist`; `amux statusline uninstall --persist` removes it.'];
  for (const [k, v] of Object.entries(values) as [StatusOption, string][]) lines.push(globalOptionConfLine(k, v));
  lines.push(END);
  const next = replaceBlock(old, lines.join('\n'));
  const tmp = `${file}.amux-tmp`;
  writeFileSync(tmp, next);
  renameSync(tmp, file);
}

export function unpersistStatusline(file = tmuxConfPath()): boolean {
  if (!existsSync(file)) return false;
  const old = readFileSync(file, 'utf8');
  if (!old.includes(BEGIN)) return false;
  const next = replaceBlock(old, '');
  // A file that held only amux's block (install created it) goes with it.
  if (next.trim() === '') rmSync(file);
  else writeFileSync(file, next);
  return true;
}

function replaceBlock(text: string, block: string): string {
  const start = text.indexOf(BEGIN);
  const end = text.indexOf(END);
  if (start >= 0 && end > start) {
    const before = text.slice(0, start).replace(/\n+$/, '');
    const after = text.slice(end + END.length).replace(/^\n+/, '');
    return [before, block, after].filter((s) => s !== '').join('\n') + '\n';
  }
  if (!block) return text;
  return (text && !text.endsWith('\n') ? text + '\n' : text) + block + '\n';
}

export async function currentStatusValues(server: Server): Promise<Record<StatusOption, string>> {
  const out = {} as Record<StatusOption, string>;
  for (const t of TARGETS) out[t.option] = (await server.getGlobalOption(t.option)) ?? '';
  out['status-right-length'] = (await server.getGlobalOption('status-right-length')) ?? '120';
  out['status-left-length'] = (await server.getGlobalOption('status-left-length')) ?? '32';
  return out;
}
