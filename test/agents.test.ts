/**
 * Agent profiles (src/agents/): the registry, the presets and detectors built from it, and the
 * hook wiring of shell-string commands (the words go after the agent's own word, or the launch
 * is refused), end to end with the fake Claude.
 */
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { allProfiles, approveKeys, DETECTOR_KINDS, detectorKindFor, kindOfProgram, profileFor, rejectKeys } from '../src/agents/index.ts';
import { builtinPresets, PRESET_IDS } from '../src/config/presets.ts';
import { BUILTIN_PATTERNS, getDetector } from '../src/state/detectors.ts';
import { hookArgsFor, hookedArgv, hookSettingsFor } from '../src/agents/hooks.ts';
import { TestEnv, waitFor } from './helpers.ts';

describe('profile registry', () => {
  test('one profile per kind, in order; unknown kinds get generic', () => {
    assert.deepEqual(allProfiles().map((p) => p.id), [...DETECTOR_KINDS]);
    for (const k of DETECTOR_KINDS) assert.equal(profileFor(k).id, k);
    assert.equal(profileFor('my-custom-detector').id, 'generic');
  });

  test('presets, detectors and keys come from the profiles', () => {
    const presets = builtinPresets({ SHELL: '/bin/zsh' });
    assert.deepEqual(Object.keys(presets), [...PRESET_IDS]);
    assert.deepEqual(PRESET_IDS, ['claude', 'codex', 'gemini', 'aider', 'shell']);
    for (const p of allProfiles()) {
      const preset = presets[p.preset.id]!;
      assert.equal(preset.detector, p.id);
      assert.equal(preset.stuckAfter !== undefined, p.preset.canBeStuck);
      // An agent's preset runs its own binary, which names its kind.
      if (p.id !== 'generic') assert.equal(kindOfProgram((preset.command as string[])[0]!), p.id);
      assert.equal(BUILTIN_PATTERNS[p.id].waiting, p.screen.waiting);
      const det = getDetector(p.id);
      assert.equal(det.tailLines, p.screen.tailLines);
      assert.equal(det.waiting.length, p.screen.waiting.length);
      assert.ok(approveKeys(p.id).length > 0 && rejectKeys(p.id).length > 0, p.id);
    }
    assert.deepEqual(presets.shell!.command, ['/bin/zsh']);
    assert.deepEqual(approveKeys('claude'), ['1']);
    assert.deepEqual(approveKeys('codex'), ['y']);
    assert.deepEqual(approveKeys('nope'), ['y', 'Enter']);
    assert.deepEqual(rejectKeys('claude'), ['Escape']);
  });

  test('program names pick the kind', () => {
    assert.equal(kindOfProgram('/usr/local/bin/claude'), 'claude');
    assert.equal(kindOfProgram('@anthropic-ai/claude-code'), 'claude');
    assert.equal(kindOfProgram('@openai/codex'), 'codex');
    assert.equal(kindOfProgram('gemini-cli.js'), 'gemini');
    assert.equal(kindOfProgram('aider-chat'), 'aider');
    assert.equal(kindOfProgram('generic'), null);
    assert.equal(kindOfProgram('claude-wrapper'), null);
    assert.equal(detectorKindFor('x', ['sh', '-c', 'exec npx @openai/codex']), 'codex');
  });

  test('hook wiring by kind', () => {
    assert.deepEqual(hookArgsFor('claude', '/r/h.json'), ['--settings', '/r/h.json']);
    assert.match(hookArgsFor('codex', '/r/h.json').join(' '), /^-c notify=/);
    assert.deepEqual(hookArgsFor('gemini', '/r/h.json'), []);
    assert.ok(JSON.parse(hookSettingsFor('claude')!).hooks.Stop);
    assert.equal(hookSettingsFor('codex'), null);
  });
});

describe('hook words in shell-string commands', () => {
  const sh = (cmd: string, detector = 'claude') => hookedArgv({ agent: 'a', detector, argv: ['/bin/sh', '-c', cmd], shellCommand: true }, '/r/h.json');

  test('they go right after the agent word, not at the end of the string', () => {
    assert.deepEqual(sh('cd app && claude; echo done'), ['/bin/sh', '-c', 'cd app && claude --settings /r/h.json; echo done']);
    assert.equal(sh('claude | tee log')[2], 'claude --settings /r/h.json | tee log');
    assert.equal(sh('FOO=1 exec claude --model x "$@"')[2], 'FOO=1 exec claude --settings /r/h.json --model x "$@"');
    assert.equal(sh('codex | tee log', 'codex')[2]!.startsWith("codex -c 'notify=["), true);
    assert.equal(sh('echo x; sleep 300', 'gemini')[2], 'echo x; sleep 300', 'no hooks: untouched');
  });

  test('no plain agent word: the launch is refused, naming the fix', () => {
    for (const cmd of ['echo x; sleep 300', "'claude'", 'echo claude', 'x=$(claude)', './claude-wrapper']) {
      assert.throws(() => sh(cmd), /cannot add Claude Code's hook flags \(--settings FILE\).*give the command as a list/, cmd);
    }
    // An argv command still gets the words appended.
    assert.deepEqual(hookedArgv({ agent: 'a', detector: 'claude', argv: ['./claude-wrapper', '-x'] }, '/r/h.json'), ['./claude-wrapper', '-x', '--settings', '/r/h.json']);
  });

  const env = new TestEnv('agents');
  after(() => env.cleanup());

  test('amux run: the hooks reach a claude started inside a longer shell string; a string without it is refused', async () => {
    const dir = join(env.dir, 'proj');
    mkdirSync(join(dir, '.amux'), { recursive: true });
    mkdirSync(join(dir, 'sub'));
    writeFileSync(
      join(dir, '.amux', 'config.yaml'),
      [
        'agents:',
        '  claude:',
        '    command: "cd sub && claude; echo after"',
        '    environment: {FAKE_START: turn, FAKE_SCRIPT: "busy:1,done"}',
        '  sleeper:',
        '    command: "echo x; sleep 300"',
        '    detector: claude',
        '',
      ].join('\n'),
    );
    const r = await env.amux(['run', 'claude', '--name', 'cl'], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    const rows = await env.amuxJson<Array<{ name: string; tmux: { pane: string } }>>(['ps', '--json'], { cwd: dir });
    const pane = rows.find((x) => x.name === 'cl')!.tmux.pane;
    const hook = String(await waitFor(() => env.tmux(['show-options', '-p', '-t', pane, '-v', '@amux_hook']).trim() || undefined, 15_000, 150));
    assert.match(hook, /UserPromptSubmit|Stop/, 'the --settings hooks fired inside the pane');

    const bad = await env.amux(['run', 'sleeper'], { cwd: dir });
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /agent "sleeper": cannot add Claude Code's hook flags .*"echo x; sleep 300".*as a list/s);
    const left = await env.amuxJson<Array<{ name: string }>>(['ps', '--json'], { cwd: dir });
    assert.deepEqual(left.map((x) => x.name), ['cl'], 'nothing was started');
  });
});
