/**
 * The rating page: one self-contained HTML file (inline CSS and script, no
 * fonts or libraries from anywhere), the same for every rater. It learns its
 * rater from its own URL, asks the server for the next screen, and sends one
 * answer per screen. Keyboard: R real, G generated, ← left, → right, C can't tell.
 * `data-state` and `data-item` on <body> say what the page shows (for tests).
 */
export const RATING_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Rating session</title>
<style>
:root { --ink: #1d2330; --muted: #5b6270; --line: #d5d9e0; --accent: #2855c8; --paper: #f6f7f9; }
* { box-sizing: border-box; }
html, body { margin: 0; }
body { font: 16px/1.45 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", Helvetica, Arial, sans-serif; color: var(--ink); background: var(--paper); }
.wrap { max-width: 760px; margin: 0 auto; padding: 16px 16px 28px; }
header { display: flex; align-items: center; gap: 16px; flex-wrap: wrap; justify-content: space-between; }
h1 { font-size: 18px; margin: 0; font-weight: 650; }
.progress { display: flex; align-items: center; gap: 10px; flex: 1 1 220px; max-width: 360px; }
.bar { flex: 1; height: 8px; border-radius: 4px; background: var(--line); overflow: hidden; }
.bar span { display: block; height: 100%; width: 0; background: var(--accent); transition: width .2s; }
#count { font-variant-numeric: tabular-nums; color: var(--muted); font-size: 14px; white-space: nowrap; }
#question { font-size: 20px; font-weight: 600; text-align: center; margin: 22px 0 14px; min-height: 1.45em; }
.images { display: flex; justify-content: center; gap: 16px; }
.images figure { margin: 0; text-align: center; }
.images img { display: block; width: min(72vw, 340px); height: auto; aspect-ratio: 1; image-rendering: pixelated; background: #000; border-radius: 6px; border: 3px solid transparent; cursor: default; }
.images.pair img { width: min(42vw, 300px); cursor: pointer; }
.images.pair img:hover { border-color: var(--accent); }
.images figcaption { color: var(--muted); font-size: 14px; margin-top: 6px; }
.buttons { display: flex; justify-content: center; gap: 10px; margin-top: 20px; flex-wrap: wrap; }
button { font: inherit; font-weight: 600; padding: 12px 18px; min-width: 128px; border-radius: 8px; border: 1.5px solid var(--ink); background: #fff; color: var(--ink); cursor: pointer; }
button.primary { background: var(--ink); color: #fff; }
button:disabled { opacity: .45; cursor: default; }
button:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
kbd { font: 12px ui-monospace, "DejaVu Sans Mono", monospace; border: 1px solid currentColor; border-radius: 4px; padding: 0 5px; margin-left: 8px; opacity: .75; }
.hint { text-align: center; color: var(--muted); font-size: 14px; margin-top: 16px; }
#message { text-align: center; color: #b3261e; min-height: 1.45em; margin: 10px 0 0; }
.done { text-align: center; margin-top: 48px; }
.done p { font-size: 20px; font-weight: 600; }
@media (max-width: 480px) {
  .wrap { padding: 12px 10px 24px; }
  #question { font-size: 18px; margin: 16px 0 10px; }
  .images { gap: 8px; }
  .images.pair img { width: calc(50vw - 18px); }
  button { min-width: 0; flex: 1 1 0; padding: 14px 8px; }
  kbd { display: none; }
}
</style>
</head>
<body data-state="loading">
<div class="wrap">
<header>
  <h1>Rating session</h1>
  <div class="progress" aria-label="progress"><div class="bar"><span id="bar"></span></div><span id="count"></span></div>
</header>
<main id="main">
  <p id="question">Loading…</p>
  <div id="images" class="images"></div>
  <div id="buttons" class="buttons"></div>
  <p id="hint" class="hint"></p>
  <p id="message" role="status" aria-live="polite"></p>
</main>
</div>
<script>
(function () {
  'use strict';
  var current = null;
  var ready = false;
  var busy = false;
  var $ = function (id) { return document.getElementById(id); };
  var CHOICES = {
    single: [
      { answer: 'real', label: 'Real', key: 'R', keys: ['r'] },
      { answer: 'unsure', label: "Can't tell", key: 'C', keys: ['c'] },
      { answer: 'generated', label: 'Generated', key: 'G', keys: ['g'] }
    ],
    pair: [
      { answer: 'left', label: 'Left', key: '\\u2190', keys: ['arrowleft'] },
      { answer: 'unsure', label: "Can't tell", key: 'C', keys: ['c'] },
      { answer: 'right', label: 'Right', key: '\\u2192', keys: ['arrowright'] }
    ]
  };

  function setBody(state) {
    document.body.setAttribute('data-state', state);
    document.body.setAttribute('data-item', current ? current.id : '');
  }

  function progress(s) {
    $('count').textContent = s.done + ' / ' + s.total;
    $('bar').style.width = (s.total ? (100 * s.done / s.total) : 0) + '%';
  }

  function show(s) {
    progress(s);
    current = s.item;
    ready = false;
    var images = $('images');
    var buttons = $('buttons');
    images.textContent = '';
    buttons.textContent = '';
    $('message').textContent = '';
    if (!current) {
      $('question').textContent = '';
      $('hint').textContent = '';
      var done = document.createElement('div');
      done.className = 'done';
      done.innerHTML = '<p>All done \\u2014 thank you.</p><span class="hint">Your answers are saved. You can close this page.</span>';
      images.appendChild(done);
      setBody('done');
      return;
    }
    var pair = current.kind === 'pair';
    images.className = 'images' + (pair ? ' pair' : '');
    $('question').textContent = pair ? 'Which image looks more real?' : 'Is this image real or generated?';
    $('hint').textContent = pair
      ? 'Keys: \\u2190 left, \\u2192 right, C can\\u2019t tell. Or tap an image.'
      : 'Keys: R real, G generated, C can\\u2019t tell.';
    var pending = current.images.length;
    current.images.forEach(function (src, i) {
      var figure = document.createElement('figure');
      var img = document.createElement('img');
      img.alt = pair ? (i === 0 ? 'left image' : 'right image') : 'image to rate';
      img.width = 300; img.height = 300;
      var failed = false;
      img.onerror = function () {
        if (failed) return;
        failed = true;
        $('message').textContent = 'An image did not load. Reload the page to try again.';
        setBody('error');
      };
      img.onload = function () { if (--pending === 0 && $('message').textContent === '') { ready = true; enable(true); setBody('ready'); } };
      if (pair) img.addEventListener('click', function () { send(i === 0 ? 'left' : 'right'); });
      img.src = src;
      figure.appendChild(img);
      if (pair) { var cap = document.createElement('figcaption'); cap.textContent = i === 0 ? 'Left' : 'Right'; figure.appendChild(cap); }
      images.appendChild(figure);
    });
    CHOICES[current.kind].forEach(function (c) {
      var b = document.createElement('button');
      b.type = 'button';
      b.className = c.answer === 'unsure' ? '' : 'primary';
      b.textContent = c.label;
      var k = document.createElement('kbd'); k.textContent = c.key; b.appendChild(k);
      b.disabled = true;
      b.setAttribute('data-answer', c.answer);
      b.addEventListener('click', function () { send(c.answer); });
      buttons.appendChild(b);
    });
    setBody('loading');
  }

  function enable(on) {
    var list = $('buttons').querySelectorAll('button');
    for (var i = 0; i < list.length; i++) list[i].disabled = !on;
  }

  function fail(text) {
    $('message').textContent = text;
    busy = false;
    enable(true);
    setBody('ready');
  }

  function load() {
    fetch('api/state', { cache: 'no-store' })
      .then(function (r) { if (!r.ok) throw new Error('status ' + r.status); return r.json(); })
      .then(show)
      .catch(function () { $('question').textContent = 'The rating server cannot be reached. Reload the page to try again.'; setBody('error'); });
  }

  function send(answer) {
    if (!current || !ready || busy) return;
    busy = true;
    enable(false);
    setBody('busy');
    fetch('api/answer', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ item: current.id, answer: answer }) })
      .then(function (r) {
        if (r.status === 409) { busy = false; load(); return; }
        return r.json().then(function (body) {
          if (!r.ok) return fail('Not saved: ' + (body && body.error ? body.error : 'status ' + r.status) + '.');
          busy = false;
          show(body);
        });
      })
      .catch(function () { fail('Not saved: the server cannot be reached. Try again in a moment.'); });
  }

  document.addEventListener('keydown', function (e) {
    if (!current || e.ctrlKey || e.metaKey || e.altKey || e.repeat) return;
    var key = e.key.toLowerCase();
    var choice = CHOICES[current.kind].filter(function (c) { return c.keys.indexOf(key) >= 0; })[0];
    if (!choice) return;
    e.preventDefault();
    send(choice.answer);
  });

  load();
})();
</script>
</body>
</html>
`;
