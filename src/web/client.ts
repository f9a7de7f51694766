/**
 * The dashboard page, its script and its style, served from the package (no third-party
 * asset): one page for the session list, the start form, the terminal with its key bar, login
 * (`/login#CODE`) and share links (`/share#ID.SECRET`). The script builds the DOM with
 * textContent only (nothing from a session is parsed as HTML).
 */
export const INDEX_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>amux</title>
<link rel="stylesheet" href="/assets/xterm.css">
<link rel="stylesheet" href="/assets/app.css">
</head>
<body>
<header><b>amux</b> <span id="who"></span> <span id="live" class="dot" title="this machine: online when lit (live updates)"></span> <span id="flash"></span></header>
<main>
<section id="login" hidden><p id="login-msg">Not logged in: open the login URL that <code>amux serve</code> printed (<code>amux serve --login</code> prints a new one).</p></section>
<section id="dash" hidden>
<table id="sessions"><thead><tr><th>name</th><th>agent</th><th>state</th><th>workspace</th><th></th></tr></thead><tbody></tbody></table>
<p id="empty" hidden>No sessions.</p>
<form id="start"><b>Start</b>
<select id="start-agent" aria-label="agent"></select>
<input id="start-ws" placeholder="workspace (optional)" aria-label="workspace">
<input id="start-prompt" placeholder="first prompt (optional)" aria-label="prompt">
<button type="submit">start</button></form>
</section>
<section id="term" hidden>
<div class="bar"><b id="term-title"></b> <span id="term-mode"></span>
<button id="term-history" type="button">history</button>
<button id="term-return" type="button" hidden>return control</button>
<button id="term-close" type="button">close</button></div>
<div id="xterm"></div>
<div id="keys">
<button data-key="Escape">Esc</button><button data-key="Tab">Tab</button><button data-key="BTab">S-Tab</button><button data-key="C-c">^C</button>
<button data-key="Left">&larr;</button><button data-key="Up">&uarr;</button><button data-key="Down">&darr;</button><button data-key="Right">&rarr;</button>
<button data-key="Enter">Enter</button><button data-key="1">1</button><button data-key="2">2</button><button data-key="3">3</button>
<span id="key-status" aria-live="polite"></span></div>
<pre id="history" hidden></pre>
</section>
</main>
<script src="/assets/xterm.js"></script>
<script src="/assets/addon-fit.js"></script>
<script src="/assets/app.js"></script>
</body>
</html>
`;

export const APP_CSS = `
body { font: 14px system-ui, sans-serif; margin: 0; background: #111; color: #ddd; }
header { padding: 6px 10px; background: #222; position: sticky; top: 0; z-index: 2; }
main { padding: 8px; }
table { border-collapse: collapse; width: 100%; }
td, th { padding: 4px 6px; text-align: left; border-bottom: 1px solid #333; }
button { margin: 1px; padding: 5px 9px; background: #333; color: #eee; border: 1px solid #555; border-radius: 4px; }
input, select { background: #222; color: #eee; border: 1px solid #555; padding: 4px; }
.state-waiting { color: #fc3; font-weight: bold; } .state-stuck { color: #f55; font-weight: bold; }
.state-running { color: #5af; } .state-idle { color: #6c6; } .state-exited, .state-lost { color: #888; }
.held { color: #f9c; }
.dot { display: inline-block; width: 8px; height: 8px; border-radius: 4px; background: #a33; }
.dot.on { background: #3a3; }
#xterm { height: 60vh; min-height: 200px; }
#keys button { min-width: 44px; min-height: 40px; }
#key-status { margin-left: 6px; }
#history { max-height: 40vh; overflow: auto; background: #000; padding: 6px; white-space: pre-wrap; }
#flash { margin-left: 10px; }
form#start { margin-top: 12px; }
`;

// The page's script. Plain ES2020, no template literals (it sits in one).
export const APP_JS = String.raw`'use strict';
(function () {
  var $ = function (id) { return document.getElementById(id); };
  var sessions = new Map();
  var me = null;
  var term = null;
  var state = { sessions: sessions, term: null, termSocket: null, termInfo: null, events: null, keyLog: [] };
  window.amux = state;
  var RANK = { waiting: 0, stuck: 1, running: 2, starting: 3, idle: 4, unknown: 5, exited: 6, lost: 7 };

  function el(tag, props) {
    var e = document.createElement(tag);
    if (props) for (var k in props) { if (k === 'text') e.textContent = props[k]; else if (k === 'cls') e.className = props[k]; else e.setAttribute(k, props[k]); }
    for (var i = 2; i < arguments.length; i++) if (arguments[i]) e.appendChild(arguments[i]);
    return e;
  }
  function flash(msg, bad) { var f = $('flash'); f.textContent = msg; f.style.color = bad ? '#f77' : '#7c7'; }
  function post(path, body) {
    return fetch(path, { method: 'POST', credentials: 'same-origin', headers: { 'Content-Type': 'application/json', 'X-Amux-Request': '1' }, body: JSON.stringify(body || {}) })
      .then(function (r) { return r.json().then(function (j) { if (!r.ok) throw new Error((j.error && j.error.message) || r.statusText); return j; }); });
  }
  function op(name, input) { return post('/api/' + name, input); }
  function act(p, okMsg) { return p.then(function () { if (okMsg) flash(okMsg); }, function (e) { flash(e.message, true); }); }
  function wsUrl(path) { return (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + path; }
  function needsYou(s) { return s.handoff || s.state === 'waiting' || s.state === 'stuck'; }

  function render() {
    var list = Array.from(sessions.values()).filter(function (s) { return !s.archived; });
    list.sort(function (a, b) { return (b.handoff ? 1 : 0) - (a.handoff ? 1 : 0) || (RANK[a.state] - RANK[b.state]) || a.name.localeCompare(b.name); });
    var n = list.filter(needsYou).length;
    document.title = n > 0 ? '(' + n + ') amux' : 'amux';
    var body = $('sessions').tBodies[0];
    body.textContent = '';
    $('empty').hidden = list.length > 0;
    list.forEach(function (s) {
      var live = s.state !== 'exited' && s.state !== 'lost';
      var drive = me && !me.readOnly;
      var cell = el('td', { cls: 'actions' });
      var btn = function (label, fn, name) { var b = el('button', { text: label, type: 'button', 'data-act': name }); b.onclick = fn; cell.appendChild(b); };
      if (live) btn('view', function () { openTerm(s, 'view'); }, 'view');
      if (live && drive) btn('drive', function () { openTerm(s, 'drive'); }, 'drive');
      if (live && drive && s.state === 'waiting' && !s.handoff) {
        btn('approve', function () { act(op('answer', { session: s.id, answer: 'approve' }), 'approved ' + s.name); }, 'approve');
        btn('reject', function () { act(op('answer', { session: s.id, answer: 'reject' }), 'rejected ' + s.name); }, 'reject');
      }
      if (live && drive && !s.handoff) btn('send', function () { var t = prompt('Prompt for ' + s.name); if (t) act(op('sendPrompt', { session: s.id, text: t }), 'sent to ' + s.name); }, 'send');
      if (s.handoff && drive) btn('return control', function () { act(op('returnControl', { session: s.id }), 'control returned to ' + s.name); }, 'return');
      if (me && me.kind !== 'share' && drive) {
        if (live) btn('stop', function () { act(op('stopSession', { session: s.id }), 'stopped ' + s.name); }, 'stop');
        btn('remove', function () { if (confirm('Remove ' + s.name + '?')) act(op('removeSession', { session: s.id, force: live }), 'removed ' + s.name); }, 'remove');
      }
      var st = el('td', { cls: 'state state-' + s.state, text: s.state, title: s.reason || '' });
      if (s.handoff) st.appendChild(el('span', { cls: 'held', text: ' · handed off' + (s.handoff.holder ? ' (held by ' + s.handoff.holder + ')' : ': waiting for a person') }));
      body.appendChild(el('tr', { 'data-id': s.id, 'data-state': s.state }, el('td', { text: s.name }), el('td', { text: s.agent }), st, el('td', { text: s.workspace || '' }), cell));
    });
    if (state.termInfo) {
      var cur = sessions.get(state.termInfo.id);
      $('term-return').hidden = !(cur && cur.handoff && me && !me.readOnly);
    }
  }

  function connectEvents() {
    var ws = new WebSocket(wsUrl('/ws/events'));
    state.events = ws;
    ws.onopen = function () { $('live').className = 'dot on'; };
    ws.onclose = function () { $('live').className = 'dot'; setTimeout(connectEvents, 1000); };
    ws.onmessage = function (ev) {
      var m = JSON.parse(ev.data);
      if (m.type === 'snapshot') { sessions.clear(); m.sessions.forEach(function (s) { sessions.set(s.id, s); }); }
      else if (m.type === 'session-removed') sessions.delete(m.id);
      else if (m.session) sessions.set(m.id, m.session);
      render();
    };
  }

  function closeTerm() {
    if (state.termSocket) state.termSocket.close();
    if (term) term.dispose();
    term = null; state.term = null; state.termSocket = null; state.termInfo = null;
    $('term').hidden = true;
    $('history').hidden = true;
  }

  function openTerm(s, mode) {
    closeTerm();
    $('term').hidden = false;
    $('term-title').textContent = s.name;
    $('term-mode').textContent = mode === 'drive' ? '(driving)' : '(viewing, read-only)';
    term = new Terminal({ scrollback: 2000, fontSize: 14, cursorBlink: true, convertEol: false });
    var fit = new FitAddon.FitAddon();
    term.loadAddon(fit);
    term.open($('xterm'));
    try { fit.fit(); } catch (e) { /* hidden */ }
    state.term = term;
    state.termInfo = { id: s.id, name: s.name, mode: mode, readOnly: true, ready: false };
    var ws = new WebSocket(wsUrl('/ws/term?session=' + encodeURIComponent(s.id) + '&mode=' + mode + '&cols=' + term.cols + '&rows=' + term.rows));
    ws.binaryType = 'arraybuffer';
    state.termSocket = ws;
    ws.onmessage = function (ev) {
      if (typeof ev.data !== 'string') { term && term.write(new Uint8Array(ev.data)); return; }
      var m = JSON.parse(ev.data);
      if (m.type === 'hello') { state.termInfo.readOnly = m.readOnly; state.termInfo.ready = true; $('term-mode').textContent = m.readOnly ? '(viewing, read-only)' : '(driving)'; }
      else if (m.type === 'key') { state.keyLog.push(m); $('key-status').textContent = m.applied ? m.key + ' \u2713 applied' : m.key + ' not applied (' + m.why + ')'; }
      else if (m.type === 'dropped') flash(m.why, true);
    };
    ws.onclose = function (ev) { if (state.termSocket === ws) { flash('terminal closed' + (ev.reason ? ': ' + ev.reason : ''), ev.code !== 1000); if (state.termInfo) state.termInfo.ready = false; } };
    term.onData(function (d) { if (ws.readyState === 1) ws.send(JSON.stringify({ type: 'input', data: d })); });
    term.onResize(function (sz) { if (ws.readyState === 1) ws.send(JSON.stringify({ type: 'resize', cols: sz.cols, rows: sz.rows })); });
    window.onresize = function () { try { fit.fit(); } catch (e) { /* hidden */ } };
    term.focus();
    render();
  }

  var keyId = 0;
  $('keys').addEventListener('click', function (ev) {
    var k = ev.target && ev.target.getAttribute && ev.target.getAttribute('data-key');
    if (!k || !state.termSocket || state.termSocket.readyState !== 1) return;
    $('key-status').textContent = k + '\u2026';
    state.termSocket.send(JSON.stringify({ type: 'key', key: k, id: ++keyId }));
    if (term) term.focus();
  });
  $('term-close').onclick = closeTerm;
  $('term-return').onclick = function () { if (state.termInfo) act(op('returnControl', { session: state.termInfo.id }), 'control returned'); };
  $('term-history').onclick = function () {
    if (!state.termInfo) return;
    op('readLogs', { session: state.termInfo.id, lines: 1000 }).then(function (r) { var h = $('history'); h.textContent = r.lines.join('\n'); h.hidden = false; h.scrollTop = h.scrollHeight; }, function (e) { flash(e.message, true); });
  };
  $('start').onsubmit = function (ev) {
    ev.preventDefault();
    var input = { agents: [$('start-agent').value] };
    if ($('start-ws').value) input.workspace = $('start-ws').value;
    if ($('start-prompt').value) input.prompt = $('start-prompt').value;
    act(op('startSessions', input).then(function (r) { if (r.failed.length) throw new Error(r.failed[0].message); return r; }), 'started');
  };

  function start() {
    fetch('/api/me', { credentials: 'same-origin' }).then(function (r) { return r.ok ? r.json() : null; }).then(function (m) {
      me = m;
      window.amux.me = m;
      if (!m) { $('login').hidden = false; return; }
      $('who').textContent = m.machine + ' \u00b7 ' + m.name + (m.readOnly ? ' (read-only)' : '');
      $('dash').hidden = false;
      $('start').hidden = m.kind === 'share' || m.readOnly;
      if (!$('start').hidden) fetch('/api/agents', { credentials: 'same-origin' }).then(function (r) { return r.json(); }).then(function (j) {
        j.agents.forEach(function (a) { $('start-agent').appendChild(el('option', { value: a, text: a })); });
      });
      connectEvents();
      var want = new URLSearchParams(location.search).get('session');
      if (want) {
        var tries = 0;
        var t = setInterval(function () { var s = sessions.get(want); if (s || ++tries > 50) { clearInterval(t); if (s) openTerm(s, m.readOnly ? 'view' : 'drive'); } }, 100);
      }
    });
  }

  var secret = location.hash.slice(1);
  if (location.pathname === '/login' && secret) {
    history.replaceState(null, '', '/');
    post('/api/login', { code: secret }).then(start, function (e) { $('login-msg').textContent = e.message; $('login').hidden = false; });
  } else if (location.pathname === '/share' && secret) {
    history.replaceState(null, '', '/');
    post('/api/share', { link: secret }).then(function (r) { history.replaceState(null, '', '/?session=' + r.session); start(); }, function (e) { $('login-msg').textContent = e.message; $('login').hidden = false; });
  } else start();
})();
`;
