// The dashboard's client (served as /assets/app.js; no build step, no other origin). It polls
// serve's JSON API: /api/v1/counts every second for the diagram, /api/v1/sockets for the
// state chosen, /api/v1/history for the charts (drawn with uPlot), /api/v1/counts?by= for the
// top tables, /api/v1/doctor on demand, /api/v1/fleet with --prometheus. Texts come from the
// catalogue inlined in the page (src/web/messages.ts), in the browser's language or the one chosen.
(function () {
  'use strict';
  var DATA = JSON.parse(document.getElementById('tcpstate-data').textContent);
  var STATES = DATA.states;
  var NS = 'http://www.w3.org/2000/svg';
  var COUNTS_MS = 1000;
  var state = {
    lang: pickLang(), netns: '', paused: false, counts: null, ring: [], selected: null, filter: '',
    group: '', sort: { key: 'local', dir: 1 }, sockets: null, range: '1h', charts: [], lastOk: 0, tick: 0,
  };
  var m = DATA.catalogue[state.lang];

  function pickLang() {
    var saved = null;
    try { saved = localStorage.getItem('tcpstate.lang'); } catch (e) { /* storage off */ }
    if (saved === 'en' || saved === 'zh') return saved;
    var langs = navigator.languages && navigator.languages.length ? navigator.languages : [navigator.language || 'en'];
    return String(langs[0]).toLowerCase().indexOf('zh') === 0 ? 'zh' : 'en';
  }
  function fill(t, vars) { return t.replace(/\{(\w+)\}/g, function (all, k) { return k in vars ? String(vars[k]) : all; }); }
  function $(id) { return document.getElementById(id); }
  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    if (attrs) for (var k in attrs) if (attrs[k] !== undefined && attrs[k] !== null) e.setAttribute(k, attrs[k]);
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function num(n) { return Number(n).toLocaleString(state.lang === 'zh' ? 'zh-CN' : 'en-US'); }
  function signed(n) { return (n > 0 ? '+' : n < 0 ? '\u2212' : '\u00b1') + num(Math.abs(n)); }
  function query(params) {
    var q = [];
    if (state.netns) q.push('netns=' + encodeURIComponent(state.netns));
    for (var k in params) if (params[k] !== undefined && params[k] !== '') q.push(k + '=' + encodeURIComponent(params[k]));
    return q.length ? '?' + q.join('&') : '';
  }
  /** GET a JSON document; rejects with the server's error message (and the parameter it names). */
  function getJson(path, params) {
    return fetch(path + query(params || {}), { headers: { Accept: 'application/json' }, credentials: 'same-origin' }).then(function (r) {
      return r.json().catch(function () { return { error: { message: 'HTTP ' + r.status } }; }).then(function (j) {
        if (!r.ok || j.error) {
          var err = new Error(j.error ? j.error.message : 'HTTP ' + r.status);
          err.status = r.status; err.parameter = j.error && j.error.parameter; err.code = j.error && j.error.code;
          throw err;
        }
        return j;
      });
    });
  }

  // ---- colours: a sequential blue scale for counts (log), orange / dashed blue for growth
  function countFill(n, max) {
    if (n <= 0 || max <= 0) return '#ffffff';
    var t = 0.12 + 0.88 * Math.log1p(n) / Math.log1p(max);
    var a = [0xf7, 0xfb, 0xff], b = [0x6b, 0xae, 0xd6];
    return '#' + a.map(function (v, i) { return Math.round(v + (b[i] - v) * t).toString(16).padStart(2, '0'); }).join('');
  }

  // ---- the diagram
  var nodes = {};
  Array.prototype.forEach.call(document.querySelectorAll('svg [data-state]'), function (g) {
    var rect = g.querySelector('rect');
    var x = Number(rect.getAttribute('x')) + Number(rect.getAttribute('width')) - 8;
    var y = Number(rect.getAttribute('y')) + Number(rect.getAttribute('height')) - 7;
    var d = document.createElementNS(NS, 'text');
    d.setAttribute('x', x); d.setAttribute('y', y); d.setAttribute('class', 'delta'); d.setAttribute('text-anchor', 'end');
    g.appendChild(d);
    nodes[g.getAttribute('data-state')] = { g: g, rect: rect, count: g.querySelector('text.count'), delta: d };
    g.addEventListener('click', function () { select(g.getAttribute('data-state')); });
    g.addEventListener('keydown', function (ev) {
      if (ev.key === 'Enter' || ev.key === ' ') { ev.preventDefault(); select(g.getAttribute('data-state')); }
    });
  });
  Array.prototype.forEach.call(document.querySelectorAll('[data-pick]'), function (b) {
    b.addEventListener('click', function () { select(b.getAttribute('data-pick')); });
  });

  /** Change over the last minute: now against the oldest reading at most a minute old. */
  function minuteDelta(name) {
    var now = state.ring[state.ring.length - 1];
    var old = null;
    for (var i = 0; i < state.ring.length; i++) if (now.t - state.ring[i].t <= 61000) { old = state.ring[i]; break; }
    return old ? now.counts[name] - old.counts[name] : 0;
  }

  function drawCounts() {
    var c = state.counts;
    if (!c) return;
    var max = 0;
    STATES.forEach(function (s) { max = Math.max(max, c.states[s] || 0); });
    STATES.forEach(function (s) {
      var n = c.states[s] || 0, node = nodes[s], delta = minuteDelta(s);
      node.g.setAttribute('data-count', String(n));
      node.g.setAttribute('data-delta', String(delta));
      node.g.setAttribute('aria-label', fill(m.nodeLabel, { state: s, n: num(n), delta: signed(delta) }));
      node.count.textContent = num(n);
      node.delta.textContent = delta === 0 ? '' : signed(delta);
      node.rect.setAttribute('fill', countFill(n, max));
      node.g.classList.toggle('grow', delta > 0);
      node.g.classList.toggle('shrink', delta < 0);
      var row = document.querySelector('tr[data-row-state="' + s + '"]');
      row.querySelector('[data-cell="count"]').textContent = num(n);
      row.querySelector('[data-cell="delta"]').textContent = signed(delta);
    });
    $('total').textContent = fill(m.total, { n: num(c.total) });
  }

  function status() {
    var c = state.counts;
    if (!c) return;
    var s = fill(m.updated, { time: new Date(c.takenAt).toLocaleTimeString(), ms: c.sampleMs, source: c.source });
    if (state.error) s = fill(m.stale, { time: new Date(state.lastOk).toLocaleTimeString(), why: state.error });
    $('status').textContent = s;
    $('status').classList.toggle('error', Boolean(state.error));
  }

  /** Every second, and at once (at most every 200 ms) when the transition stream says something changed. */
  function pollCounts() {
    clearTimeout(state.timer);
    if (state.inflight) { state.again = true; return; }
    var started = Date.now();
    var done = function () {
      state.inflight = false;
      var wait = state.again ? 200 : COUNTS_MS;
      state.again = false;
      state.timer = setTimeout(pollCounts, Math.max(50, wait - (Date.now() - started)));
    };
    if (state.paused) { done(); return; }
    state.inflight = true;
    var ns = state.netns;
    getJson('api/v1/counts').then(function (c) {
      if (ns !== state.netns) return;
      state.error = null;
      state.lastOk = Date.now();
      state.counts = c;
      state.ring.push({ t: Date.parse(c.takenAt), counts: c.states });
      while (state.ring.length > 2 && state.ring[state.ring.length - 1].t - state.ring[0].t > 70000) state.ring.shift();
      drawCounts();
      status();
      state.tick++;
      // A filter the server refused is not asked again until the user changes it.
      if (state.selected && !state.filterBad && due('sockets', 3000)) loadSockets(false);
      if (due('tops', 10000)) loadTops();
      if (due('history', 10000)) loadHistory();
      if (DATA.config.prometheus && due('fleet', 5000)) loadFleet();
      if (state.tick === 1) runDoctor();
    }, function (e) {
      state.error = e.message;
      status();
    }).then(done, done);
  }

  var last = {};
  /** Whether `what` was last loaded at least `ms` ago (and mark it loaded now). */
  function due(what, ms) {
    var now = Date.now();
    if (last[what] !== undefined && now - last[what] < ms) return false;
    last[what] = now;
    return true;
  }

  /**
   * The transition stream (/api/v1/transitions, Server-Sent Events) only says when to read
   * the counts again: a change shows at once instead of at the next second. Left for polling
   * alone where the stream is refused, made from snapshots (no quicker than polling), or busier
   * than 50 changes a second (the counts change every second anyway).
   */
  function watchTransitions() {
    if (state.es) state.es.close();
    state.es = null;
    if (typeof EventSource === 'undefined') return;
    var es = new EventSource('api/v1/transitions' + query({}));
    var second = 0, n = 0;
    state.es = es;
    es.addEventListener('source', function (ev) {
      try { if (JSON.parse(ev.data).source !== 'bpf') es.close(); } catch (e) { es.close(); }
    });
    es.onmessage = function () {
      var now = Math.floor(Date.now() / 1000);
      if (now !== second) { second = now; n = 0; }
      if (++n > 50) { es.close(); return; }
      if (!state.paused) pollCounts();
    };
    es.onerror = function () { if (es.readyState === 2 && state.es === es) state.es = null; };
  }

  // ---- a state's explanation and sockets
  function select(name) {
    if (STATES.indexOf(name) < 0) return;
    state.selected = name;
    Object.keys(nodes).forEach(function (s) { nodes[s].g.classList.toggle('selected', s === name); nodes[s].g.setAttribute('aria-pressed', String(s === name)); });
    drawExplain();
    $('drill-heading').textContent = fill(m.socketsHeading, { state: name });
    loadSockets(true);
  }

  function drawExplain() {
    var box = $('explain');
    box.textContent = '';
    var x = state.selected && DATA.explain[state.selected];
    if (!x) return;
    var L = state.lang;
    box.appendChild(el('h3', null, fill(m.explainHeading, { state: state.selected })));
    box.appendChild(el('p', { class: 'brief' }, x.brief[L]));
    var dl = el('dl');
    ['means', 'who', 'lasts', 'normal', 'worry'].forEach(function (k) {
      dl.appendChild(el('dt', null, m[k]));
      dl.appendChild(el('dd', null, x[k][L]));
    });
    dl.appendChild(el('dt', null, m.check));
    var dd = el('dd');
    var ul = el('ul');
    x.check.forEach(function (c) {
      var li = el('li');
      li.appendChild(el('code', null, c.cmd));
      li.appendChild(document.createTextNode(' \u2014 ' + c.why[L]));
      ul.appendChild(li);
    });
    dd.appendChild(ul);
    dl.appendChild(dd);
    box.appendChild(dl);
  }

  function endpoint(e) { return (e.address.indexOf(':') >= 0 ? '[' + e.address + ']' : e.address) + ':' + e.port; }
  function timerText(t) {
    if (!t || t.kind === 'off') return 'off';
    return t.kind + ' ' + (t.expiresMs / 1000).toFixed(1) + 's' + (t.retransmits ? '/' + t.retransmits : '');
  }
  function ownerText(s) { return (s.owners || []).map(function (o) { return o.program + '/' + o.pid; }).join(', ') || '-'; }
  var COLUMNS = [
    { key: 'local', label: 'colLocal', get: function (s) { return endpoint(s.local); }, sortBy: function (s) { return s.local.port; } },
    { key: 'peer', label: 'colPeer', get: function (s) { return endpoint(s.remote); }, sortBy: function (s) { return s.remote.address + ':' + String(s.remote.port).padStart(5, '0'); } },
    { key: 'recvQ', label: 'colRecvQ', num: true, get: function (s) { return s.recvQ; } },
    { key: 'sendQ', label: 'colSendQ', num: true, get: function (s) { return s.sendQ; } },
    { key: 'timer', label: 'colTimer', get: function (s) { return timerText(s.timer); }, sortBy: function (s) { return s.timer ? s.timer.expiresMs : 0; } },
    { key: 'owner', label: 'colOwner', get: ownerText },
  ];
  var GROUPS = {
    port: function (s) { return ':' + s.local.port; },
    peer: function (s) { return s.remote.address; },
    process: function (s) { return ownerText(s); },
  };

  function loadSockets(user) {
    var name = state.selected;
    var seq = state.seq = (state.seq || 0) + 1;
    return getJson('api/v1/sockets', { state: name, filter: state.filter, processes: '1', limit: '2000' }).then(function (doc) {
      // Only the latest request speaks: an older answer (another state or filter) is dropped.
      if (seq !== state.seq) return;
      state.sockets = doc;
      setFilterError(null);
      drawSockets();
    }, function (e) {
      if (seq !== state.seq) return;
      if (e.parameter === 'filter' || e.code === 'ERR_FILTER') setFilterError(fill(m.filterError, { why: e.message }));
      else if (e.status === 403 || e.status === 401) setFilterError(fill(m.forbidden, { why: e.message }));
      else if (user) setFilterError(fill(m.requestFailed, { why: e.message }));
    });
  }

  function setFilterError(text) {
    var p = $('filter-error');
    p.hidden = !text;
    state.filterBad = Boolean(text);
    p.textContent = text || '';
    $('filter').setAttribute('aria-invalid', text ? 'true' : 'false');
    if (text) { $('sockets').hidden = true; $('sockets-summary').textContent = ''; }
  }

  function drawSockets() {
    var doc = state.sockets, table = $('sockets');
    if (!doc) return;
    var col = COLUMNS.filter(function (c) { return c.key === state.sort.key; })[0] || COLUMNS[0];
    var key = col.sortBy || col.get;
    var rows = doc.sockets.slice().sort(function (a, b) {
      var x = key(a), y = key(b);
      return (x < y ? -1 : x > y ? 1 : 0) * state.sort.dir;
    });
    var thead = table.tHead, tbody = table.tBodies[0];
    thead.textContent = ''; tbody.textContent = '';
    var hr = el('tr');
    COLUMNS.forEach(function (c) {
      var th = el('th', { scope: 'col', 'aria-sort': c.key === state.sort.key ? (state.sort.dir > 0 ? 'ascending' : 'descending') : 'none' });
      var b = el('button', { type: 'button', 'data-sort': c.key }, m[c.label]);
      b.addEventListener('click', function () {
        state.sort = { key: c.key, dir: state.sort.key === c.key ? -state.sort.dir : 1 };
        drawSockets();
        var again = table.querySelector('button[data-sort="' + c.key + '"]');
        if (again) again.focus();
      });
      th.appendChild(b);
      hr.appendChild(th);
    });
    thead.appendChild(hr);
    var groups = [['', rows]];
    if (state.group && GROUPS[state.group]) {
      var by = {};
      rows.forEach(function (s) { var k = GROUPS[state.group](s); (by[k] = by[k] || []).push(s); });
      groups = Object.keys(by).map(function (k) { return [k, by[k]]; }).sort(function (a, b) { return b[1].length - a[1].length || (a[0] < b[0] ? -1 : 1); });
    }
    groups.forEach(function (g) {
      if (state.group) {
        var tr = el('tr', { class: 'group' });
        tr.appendChild(el('th', { colspan: String(COLUMNS.length), scope: 'rowgroup' }, g[0] + ' (' + num(g[1].length) + ')'));
        tbody.appendChild(tr);
      }
      g[1].forEach(function (s) {
        var tr = el('tr', { 'data-socket': endpoint(s.local) + ' ' + endpoint(s.remote) });
        COLUMNS.forEach(function (c) { tr.appendChild(el('td', c.num ? { class: 'num' } : null, String(c.get(s)))); });
        tbody.appendChild(tr);
      });
    });
    table.hidden = rows.length === 0;
    var sum = rows.length ? fill(m.matched, { shown: num(rows.length), matched: num(doc.matched) }) + (doc.truncated ? ' (' + fill(m.truncated, { n: num(rows.length) }) + ')' : '') + '. ' + m.sortHint : m.noSockets;
    $('sockets-summary').textContent = sum;
  }

  $('filter-form').addEventListener('submit', function (ev) {
    ev.preventDefault();
    state.filter = $('filter').value.trim();
    if (state.selected) loadSockets(true);
  });
  $('filter-clear').addEventListener('click', function () {
    $('filter').value = ''; state.filter = ''; setFilterError(null);
    if (state.selected) loadSockets(true);
  });
  $('group').addEventListener('change', function () { state.group = $('group').value; drawSockets(); });

  // ---- time series (uPlot)
  var PALETTE = ['#0072b2', '#e69f00', '#009e73', '#cc79a7', '#56b4e9', '#d55e00', '#000000', '#f0e442', '#882255', '#44aa99', '#999933', '#aa4499'];
  var DASH = [[], [], [], [], [], [], [6, 3], [], [4, 4], [8, 3, 2, 3], [2, 2], [10, 4]];

  function chart(box, t, series, names) {
    box.textContent = '';
    if (typeof uPlot === 'undefined') return null;
    var opts = {
      width: Math.max(280, box.clientWidth || 600), height: 240,
      cursor: { sync: { key: 'tcpstate' } },
      scales: { x: { time: true } },
      series: [{}].concat(names.map(function (n, i) { return { label: n, stroke: PALETTE[i % PALETTE.length], dash: DASH[i % DASH.length], width: 1.5, points: { show: false } }; })),
      axes: [{}, { size: 60 }],
    };
    return new uPlot(opts, [t].concat(series), box);
  }

  function loadHistory() {
    var box = $('chart-states'), cbox = $('chart-counters'), st = $('series-status');
    if (!DATA.config.history) { st.textContent = fill(m.noHistory, { why: '--no-history' }); return; }
    var range = state.range, ns = state.netns;
    getJson('api/v1/history', { range: range }).then(function (h) {
      if (range !== state.range || ns !== state.netns) return;
      state.charts.forEach(function (c) { if (c) c.destroy(); });
      box.setAttribute('data-samples', String(h.t.length));
      box.setAttribute('data-last', h.t.length ? String(h.t[h.t.length - 1]) : '');
      if (h.t.length === 0) { st.textContent = m.historyEmpty; box.textContent = ''; cbox.textContent = ''; state.charts = []; return; }
      st.textContent = fill(m.samples, { n: num(h.t.length), step: h.step === null ? '\u2014' : h.step + ' s' });
      var names = STATES.filter(function (s) { return h.states[s]; });
      var cnames = Object.keys(h.counters);
      state.charts = [
        chart(box, h.t, names.map(function (s) { return h.states[s]; }), names),
        chart(cbox, h.t, cnames.map(function (c) { return h.counters[c]; }), cnames),
      ];
      var tb = $('series-latest').tBodies[0];
      tb.textContent = '';
      var i = h.t.length - 1;
      var tr = el('tr');
      tr.appendChild(el('th', { scope: 'row' }, new Date(h.t[i] * 1000).toLocaleString()));
      tr.appendChild(el('td', null, names.map(function (s) { return s + ' ' + num(h.states[s][i]); }).join(' \u00b7 ')));
      tb.appendChild(tr);
    }, function (e) { st.textContent = fill(m.noHistory, { why: e.message }); });
  }
  Array.prototype.forEach.call(document.querySelectorAll('[data-range]'), function (b) {
    b.addEventListener('click', function () {
      state.range = b.getAttribute('data-range');
      Array.prototype.forEach.call(document.querySelectorAll('[data-range]'), function (x) { x.setAttribute('aria-pressed', String(x === b)); });
      loadHistory();
    });
  });

  // ---- top ports, peers, processes with sparklines of the last hour
  function sparkline(values) {
    var v = values.filter(function (x) { return x !== null; });
    if (v.length < 2) return null;
    var max = Math.max.apply(null, v.concat([1])), w = 80, h = 18;
    var pts = values.map(function (x, i) { return x === null ? null : (i * w / (values.length - 1)).toFixed(1) + ',' + (h - 1 - (x / max) * (h - 2)).toFixed(1); }).filter(Boolean).join(' ');
    var svg = document.createElementNS(NS, 'svg');
    svg.setAttribute('width', w); svg.setAttribute('height', h); svg.setAttribute('role', 'img');
    svg.setAttribute('aria-label', v.join(', '));
    var p = document.createElementNS(NS, 'polyline');
    p.setAttribute('points', pts); p.setAttribute('fill', 'none'); p.setAttribute('stroke', '#0072b2'); p.setAttribute('stroke-width', '1.5');
    svg.appendChild(p);
    return svg;
  }
  function loadTops() {
    ['lport', 'raddr', 'process'].forEach(function (by) {
      var table = document.querySelector('table[data-top="' + by + '"]');
      var trend = DATA.config.history ? getJson('api/v1/history', { range: '1h', by: by === 'raddr' ? 'raddr' : by, top: '20' }).catch(function () { return null; }) : Promise.resolve(null);
      Promise.all([getJson('api/v1/counts', { by: by, top: '8' }), trend]).then(function (r) {
        var doc = r[0], hist = r[1];
        var lines = {};
        if (hist && hist.groups) hist.groups.keys.forEach(function (k) { lines[k.key] = k.totals; });
        table.tHead.textContent = ''; table.tBodies[0].textContent = '';
        var hr = el('tr');
        ['colKey', 'colTotal', 'colState', 'colTrend'].forEach(function (k) { hr.appendChild(el('th', { scope: 'col' }, m[k])); });
        table.tHead.appendChild(hr);
        doc.groups.forEach(function (g) {
          var tr = el('tr', { 'data-key': g.key });
          tr.appendChild(el('th', { scope: 'row' }, g.key));
          tr.appendChild(el('td', { class: 'num' }, num(g.total)));
          tr.appendChild(el('td', { class: 'per-state' }, STATES.filter(function (s) { return g.states[s]; }).map(function (s) { return s + ' ' + num(g.states[s]); }).join(' \u00b7 ')));
          var td = el('td');
          var key = by === 'lport' ? String(g.key).replace(/^:/, '') : g.key;
          var sp = lines[key] || lines[g.key] ? sparkline(lines[key] || lines[g.key]) : null;
          if (sp) td.appendChild(sp);
          tr.appendChild(td);
          table.tBodies[0].appendChild(tr);
        });
      }, function () { /* the status line says when the server does not answer */ });
    });
  }

  // ---- doctor
  function runDoctor() {
    var box = $('findings');
    box.textContent = m.doctorRunning;
    getJson('api/v1/doctor', { interval: '1' }).then(function (d) {
      box.textContent = '';
      if (!d.findings.length) { box.appendChild(el('p', null, fill(m.doctorNone, { checks: num(d.checks.length) }))); return; }
      d.findings.forEach(function (f) {
        var art = el('article', { class: 'finding sev-' + f.severity, 'data-rule': f.id });
        art.appendChild(el('h3', null, f.severity.toUpperCase() + ': ' + f.title));
        art.appendChild(el('p', null, f.explanation));
        var dl = el('dl');
        dl.appendChild(el('dt', null, m.evidence));
        f.evidence.forEach(function (e) { dl.appendChild(el('dd', null, e.label + ': ' + e.value)); });
        dl.appendChild(el('dt', null, m.nextSteps));
        f.nextSteps.forEach(function (n) {
          var dd = el('dd');
          if (n.indexOf('$ ') === 0) dd.appendChild(el('code', null, n.slice(2))); else dd.textContent = n;
          dl.appendChild(dd);
        });
        art.appendChild(dl);
        box.appendChild(art);
      });
    }, function (e) { box.textContent = fill(m.requestFailed, { why: e.message }); });
  }
  $('doctor-run').addEventListener('click', runDoctor);

  // ---- fleet
  function loadFleet() {
    $('fleet-heading').textContent = fill(m.fleetHeading, { url: DATA.config.prometheus });
    getJson('api/v1/fleet').then(function (f) {
      $('fleet-error').hidden = true;
      var table = $('fleet-table');
      table.tHead.textContent = ''; table.tBodies[0].textContent = '';
      var hr = el('tr');
      var grouped = f.hosts.some(function (h) { return h.group !== undefined; });
      hr.appendChild(el('th', { scope: 'col' }, m.fleetHost));
      if (grouped) hr.appendChild(el('th', { scope: 'col' }, m.fleetGroup));
      f.states.forEach(function (s) { hr.appendChild(el('th', { scope: 'col' }, s)); });
      hr.appendChild(el('th', { scope: 'col' }, m.fleetTotal));
      table.tHead.appendChild(hr);
      var max = 0;
      f.hosts.forEach(function (h) { f.states.forEach(function (s) { max = Math.max(max, h.states[s]); }); });
      f.hosts.forEach(function (h) {
        var tr = el('tr', { 'data-host': h.host });
        var th = el('th', { scope: 'row' });
        if (h.instances.length) {
          var a = el('a', { href: location.protocol + '//' + h.instances[0] + '/' }, h.host);
          th.appendChild(a);
        } else th.textContent = h.host;
        tr.appendChild(th);
        if (grouped) tr.appendChild(el('td', null, h.group || ''));
        if (h.error) {
          tr.appendChild(el('td', { colspan: String(f.states.length + 1), class: 'error' }, fill(m.fleetDown, { why: h.error })));
        } else {
          f.states.forEach(function (s) {
            var td = el('td', { class: 'num', 'data-state-cell': s, 'data-count': String(h.states[s]) }, num(h.states[s]));
            td.style.background = countFill(h.states[s], max);
            tr.appendChild(td);
          });
          tr.appendChild(el('td', { class: 'num' }, num(h.total)));
        }
        table.tBodies[0].appendChild(tr);
      });
    }, function (e) {
      $('fleet-error').hidden = false;
      $('fleet-error').textContent = fill(m.fleetError, { why: e.message });
    });
  }

  // ---- language, namespace, pause
  function applyLang(lang) {
    state.lang = lang;
    m = DATA.catalogue[lang];
    document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
    document.title = m.title;
    Array.prototype.forEach.call(document.querySelectorAll('[data-i18n]'), function (e) { e.textContent = m[e.getAttribute('data-i18n')]; });
    $('filter').setAttribute('placeholder', m.filterPlaceholder);
    $('pause').textContent = state.paused ? m.resume : m.pause;
    var opts = $('group').options;
    ['groupNone', 'groupPort', 'groupPeer', 'groupProcess'].forEach(function (k, i) { opts[i].textContent = m[k]; });
    if (!DATA.config.namespaces.length) $('netns').options[0].textContent = m.ownNamespace;
    $('drill-heading').textContent = state.selected ? fill(m.socketsHeading, { state: state.selected }) : m.socketsPrompt;
    drawCounts(); status(); drawExplain(); drawSockets();
    if (state.counts) { loadTops(); }
    if (DATA.config.prometheus) loadFleet();
  }
  $('lang').value = state.lang;
  $('lang').addEventListener('change', function () {
    try { localStorage.setItem('tcpstate.lang', $('lang').value); } catch (e) { /* storage off */ }
    applyLang($('lang').value);
  });
  state.netns = $('netns').value;
  $('netns').addEventListener('change', function () {
    state.netns = $('netns').value; state.ring = []; state.counts = null; state.sockets = null;
    watchTransitions();
    if (state.selected) loadSockets(true);
    loadHistory(); loadTops();
  });
  $('pause').addEventListener('click', function () {
    state.paused = !state.paused;
    $('pause').setAttribute('aria-pressed', String(state.paused));
    $('pause').textContent = state.paused ? m.resume : m.pause;
  });
  if (state.lang !== DATA.lang) applyLang(state.lang);
  if (DATA.config.prometheus) $('fleet-heading').textContent = fill(m.fleetHeading, { url: DATA.config.prometheus });
  window.addEventListener('resize', function () {
    state.charts.forEach(function (c) { if (c) c.setSize({ width: Math.max(280, c.root.parentNode.clientWidth), height: 240 }); });
  });
  pollCounts();
  watchTransitions();
})();
