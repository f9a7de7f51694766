#!/usr/bin/env node
// amux demo agent: a scripted stand-in for an AI coding agent, drawing text in the style of
// Claude Code so amux's detectors see real states. Needs no API key and no network.
//
// It cycles forever: working (spinner, token counter) → waiting for an answer (a permission
// question: press 1 / y / Enter to allow, 2 / n / Esc to deny; it answers itself after
// DEMO_WAIT seconds) → done (idle prompt; type a message and Enter to start a new turn, or it
// starts one after DEMO_IDLE seconds). Env: DEMO_ROLE (a label), DEMO_WORK, DEMO_WAIT,
// DEMO_IDLE (seconds).
import { stdin, stdout } from 'node:process';

const role = process.env.DEMO_ROLE || 'demo';
const WORK = Number(process.env.DEMO_WORK || 8) * 1000;
const WAIT = Number(process.env.DEMO_WAIT || 20) * 1000;
const IDLE = Number(process.env.DEMO_IDLE || 12) * 1000;
const tasks = [
  ['Reading the test suite', 'npm test -- --grep auth'],
  ['Refactoring the session store', 'rm -rf ./build-output'],
  ['Writing migration for users table', 'npx prisma migrate dev'],
  ['Fixing the flaky retry test', 'git push origin HEAD'],
];
const glyphs = ['✳', '✽', '✶', '✻', '✢', '·'];
let phase = 'idle';
let turn = 0;
let started = Date.now();
let tokens = 0;
let timer = null;
let history = [];
let typed = '';

const cols = () => Math.max(40, Math.min(stdout.columns || 80, 120));
const rule = () => '─'.repeat(cols());

function draw() {
  const [task, cmd] = tasks[turn % tasks.length];
  const out = [];
  out.push(`\x1b[1m amux demo agent\x1b[0m · ${role}`, '');
  for (const h of history.slice(-6)) out.push(h);
  out.push('');
  const secs = Math.floor((Date.now() - started) / 1000);
  if (phase === 'working') {
    out.push(`\x1b[33m${glyphs[secs % glyphs.length]} ${task.split(' ')[0]}… (${secs}s · ↓ ${tokens} tokens)\x1b[0m`, '');
    out.push(rule(), '❯ ', rule(), '  esc to interrupt');
  } else if (phase === 'waiting') {
    out.push(`● Bash(${cmd})`, '  ⎿  Waiting…', '');
    out.push(rule(), ' Bash command', '', `   ${cmd}`, '', ' Do you want to proceed?', ' ❯ 1. Yes', '   2. No, and tell the agent what to do differently', '');
    out.push(' Esc to cancel');
  } else {
    out.push(rule(), `❯ ${typed}`, rule(), '  ? for shortcuts');
  }
  stdout.write('\x1b[H\x1b[2J' + out.join('\r\n'));
}

function setPhase(p) {
  phase = p;
  started = Date.now();
  clearTimeout(timer);
  if (p === 'working') {
    tokens = 0;
    timer = setTimeout(() => setPhase(turn % 2 === 0 ? 'waiting' : 'done'), WORK);
  } else if (p === 'waiting') {
    timer = setTimeout(() => answer(true), WAIT);
  } else if (p === 'done') {
    const [task] = tasks[turn % tasks.length];
    history.push(`⏺ ${task}: done.`, `✻ Worked for ${Math.round(WORK / 1000)}s`);
    turn++;
    phase = 'idle';
    timer = setTimeout(() => startTurn('(next task from the queue)'), IDLE);
  }
  draw();
}

function answer(yes) {
  const [, cmd] = tasks[turn % tasks.length];
  history.push(yes ? `⏺ Ran ${cmd}` : `⏺ Skipped ${cmd}`);
  phase = 'working';
  started = Date.now();
  clearTimeout(timer);
  timer = setTimeout(() => setPhase('done'), WORK / 2);
  draw();
}

function startTurn(text) {
  history.push(`> ${text}`);
  typed = '';
  setPhase('working');
}

setInterval(() => {
  if (phase === 'working') tokens += 7 + Math.floor(Math.random() * 40);
  draw();
}, 1000);

if (stdin.isTTY) stdin.setRawMode(true);
stdout.write('\x1b[?2004h'); // bracketed paste, like the real agents
stdin.setEncoding('utf8');
stdin.on('data', (data) => {
  const s = data.replace(/\x1b\[200~|\x1b\[201~/g, '');
  if (s === '\x03') {
    stdout.write('\x1b[?2004l\r\n');
    process.exit(130);
  }
  if (phase === 'waiting') {
    if (/^[1yY\r]/.test(s)) answer(true);
    else if (/^(2|n|N|\x1b)/.test(s)) answer(false);
    return;
  }
  if (phase === 'working') {
    if (s === '\x1b') {
      history.push('⎿  Interrupted by user');
      phase = 'idle';
      clearTimeout(timer);
      draw();
    }
    return;
  }
  for (const ch of s) {
    if (ch === '\r' || ch === '\n') {
      if (typed.trim()) startTurn(typed.trim());
    } else if (ch === '\x7f') typed = typed.slice(0, -1);
    else if (ch >= ' ') typed += ch;
  }
  draw();
});

startTurn(`Start: ${tasks[0][0].toLowerCase()}`);
