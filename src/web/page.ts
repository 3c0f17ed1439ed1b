/**
 * The dashboard page (`GET /` of `serve`), rendered once per language (pure): the state
 * figure of `tcpstate diagram` with netstat spellings in `data-state`, focusable nodes and a
 * table of the same numbers as its text alternative; the sections the client script
 * (src/web/client/app.js) fills; the catalogue and the `explain` texts of both languages as
 * inline JSON, so the page makes no request for them. Nothing is loaded from another host.
 * @module
 */
import { type Lang, STATE_TEXTS } from '../fsm/explain-data.js';
import { NODES } from '../fsm/figure.js';
import { stateName } from '../model/state.js';
import { esc, renderStatesSvg } from '../render/diagram-svg.js';
import { CATALOGUE, type WebMessages } from './messages.js';

/** What the page needs to know about the server it came from. */
export interface PageConfig {
  /** Served namespaces by label; empty: the server's own. */
  namespaces: readonly string[];
  /** The Prometheus URL of the fleet view (credentials left out), when serve has one. */
  prometheus?: string;
  /** Whether a history file answers /api/v1/history. */
  history: boolean;
  version: string;
}

/** The states in the figure, netstat spelling, in the figure's order (CLOSE once). */
export const FIGURE_STATES: readonly string[] = NODES.filter((n) => !n.repeat).map((n) => stateName(n.code));

/** The `explain` texts the page shows for a state, by netstat name, both languages. */
export function explainTexts(): Record<string, object> {
  const out: Record<string, object> = {};
  for (const t of STATE_TEXTS) {
    out[stateName(t.code)] = { brief: t.brief, means: t.means, who: t.who, lasts: t.lasts, normal: t.normal, worry: t.worry, check: t.check };
  }
  return out;
}

/** JSON safe inside a `<script>` element. */
function inlineJson(v: unknown): string {
  return JSON.stringify(v)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

function fill(template: string, vars: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (m, k: string) => (k in vars ? String(vars[k]) : m));
}

/** The figure for the page: counts zero until the first answer, nodes as buttons. */
export function pageSvg(m: WebMessages): string {
  const zeros = new Array<number>(16).fill(0);
  return renderStatesSvg({
    counts: zeros,
    shadingKey: false,
    title: 'TCP state transition diagram',
    nodeAttrs: (n) =>
      n.repeat
        ? { 'data-state': undefined, 'data-count': undefined, 'aria-hidden': 'true', 'data-repeat': stateName(n.code) }
        : { 'data-state': stateName(n.code), tabindex: '0', role: 'button', 'aria-label': fill(m.nodeLabel, { state: stateName(n.code), n: 0, delta: 0 }) },
  }).replace('<svg ', `<svg role="group" aria-labelledby="diagram-title" aria-describedby="diagram-desc" `);
}

function t(m: WebMessages, key: keyof WebMessages, tag = 'span', attrs = ''): string {
  return `<${tag} data-i18n="${key}"${attrs}>${esc(m[key])}</${tag}>`;
}

/** The whole page in `lang` (the client may switch it). */
export function renderPage(lang: Lang, cfg: PageConfig): string {
  const m = CATALOGUE[lang];
  const nsOptions = cfg.namespaces.length ? cfg.namespaces.map((n) => `<option value="${esc(n)}">${esc(n)}</option>`).join('') : `<option value="">${esc(m.ownNamespace)}</option>`;
  const stateRows = FIGURE_STATES.map(
    (s) =>
      `<tr data-row-state="${s}"><th scope="row"><button type="button" class="state-link" data-pick="${s}">${s}</button></th><td class="num" data-cell="count">0</td><td class="num" data-cell="delta">0</td></tr>`,
  ).join('');
  const data = { lang, catalogue: CATALOGUE, explain: explainTexts(), states: FIGURE_STATES, config: cfg };
  return `<!doctype html>
<html lang="${lang === 'zh' ? 'zh-CN' : 'en'}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(m.title)}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="assets/uPlot.min.css">
<link rel="stylesheet" href="assets/app.css">
</head>
<body>
<a class="skip" href="#diagram">${esc(m.skip)}</a>
<header>
<h1>${t(m, 'title')}</h1>
<div class="controls">
<label>${t(m, 'namespace')} <select id="netns">${nsOptions}</select></label>
<label>${t(m, 'language')} <select id="lang"><option value="en">English</option><option value="zh">中文</option></select></label>
<button type="button" id="pause" aria-pressed="false">${esc(m.pause)}</button>
</div>
<p id="status" role="status" aria-live="polite"></p>
</header>
<main>
<section id="diagram" aria-labelledby="diagram-heading" tabindex="-1">
<h2 id="diagram-heading">${t(m, 'diagramHeading')} <span id="total" class="total"></span></h2>
<p id="diagram-desc" class="desc">${t(m, 'diagramDesc')}</p>
<span id="diagram-title" hidden>${t(m, 'diagramHeading')}</span>
<figure class="figure">${pageSvg(m)}</figure>
<ul class="legend"><li><span class="key key-count"></span>${t(m, 'legendCount')}</li><li><span class="key key-grow"></span>${t(m, 'legendGrow')}</li><li><span class="key key-shrink"></span>${t(m, 'legendShrink')}</li></ul>
<table id="states"><caption>${t(m, 'statesTable')}</caption><thead><tr><th scope="col">${t(m, 'colState')}</th><th scope="col">${t(m, 'colCount')}</th><th scope="col">${t(m, 'colDelta')}</th></tr></thead><tbody>${stateRows}</tbody></table>
</section>
<section id="drill" aria-labelledby="drill-heading">
<h2 id="drill-heading">${esc(m.socketsPrompt)}</h2>
<div id="explain"></div>
<form id="filter-form" autocomplete="off">
<label for="filter">${t(m, 'filterLabel')}</label>
<input id="filter" name="filter" type="text" spellcheck="false" placeholder="${esc(m.filterPlaceholder)}" aria-describedby="filter-error">
<button type="submit">${t(m, 'filterApply')}</button>
<button type="button" id="filter-clear">${t(m, 'filterClear')}</button>
<label>${t(m, 'groupBy')} <select id="group"><option value="">${esc(m.groupNone)}</option><option value="port">${esc(m.groupPort)}</option><option value="peer">${esc(m.groupPeer)}</option><option value="process">${esc(m.groupProcess)}</option></select></label>
</form>
<p id="filter-error" class="error" role="alert" hidden></p>
<p id="sockets-summary" aria-live="polite"></p>
<div class="scroll"><table id="sockets" hidden><thead></thead><tbody></tbody></table></div>
</section>
<section id="series" aria-labelledby="series-heading">
<h2 id="series-heading">${t(m, 'seriesHeading')}</h2>
<div class="controls" role="group" aria-label="${esc(m.range)}">
<button type="button" data-range="1h" aria-pressed="true">${t(m, 'range1h')}</button>
<button type="button" data-range="1d" aria-pressed="false">${t(m, 'range1d')}</button>
<button type="button" data-range="1w" aria-pressed="false">${t(m, 'range1w')}</button>
</div>
<p class="hint">${t(m, 'zoomHint')}</p>
<p id="series-status" role="status"></p>
<div id="chart-states" class="chart"></div>
<h3>${t(m, 'counters')}</h3>
<div id="chart-counters" class="chart"></div>
<table id="series-latest"><caption>${t(m, 'seriesTable')}</caption><tbody></tbody></table>
</section>
<section id="top" aria-labelledby="top-heading">
<h2 id="top-heading">${t(m, 'topHeading')}</h2>
<div class="tops">
<div><h3>${t(m, 'topPorts')}</h3><table data-top="lport"><thead></thead><tbody></tbody></table></div>
<div><h3>${t(m, 'topPeers')}</h3><table data-top="raddr"><thead></thead><tbody></tbody></table></div>
<div><h3>${t(m, 'topProcesses')}</h3><table data-top="process"><thead></thead><tbody></tbody></table></div>
</div>
</section>
<section id="doctor" aria-labelledby="doctor-heading">
<h2 id="doctor-heading">${t(m, 'doctorHeading')}</h2>
<button type="button" id="doctor-run">${t(m, 'doctorRun')}</button>
<div id="findings" aria-live="polite"></div>
</section>
<section id="fleet" aria-labelledby="fleet-heading"${cfg.prometheus ? '' : ' hidden'}>
<h2 id="fleet-heading"></h2>
<p id="fleet-error" class="error" role="alert" hidden></p>
<div class="scroll"><table id="fleet-table"><thead></thead><tbody></tbody></table></div>
</section>
</main>
<footer>tcpstate ${esc(cfg.version)}</footer>
<script type="application/json" id="tcpstate-data">${inlineJson(data)}</script>
<script src="assets/uPlot.iife.min.js" defer></script>
<script src="assets/app.js" defer></script>
</body>
</html>
`;
}
