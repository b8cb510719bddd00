// referflow serve: draws each update the server pushes on /events.
//
// Everything the chart says arrives as data. Diagnostics and titles are set as text, never as
// markup; the diagram and the narrative are HTML made by referflow's own emitters, which
// escape every user text, and the page's Content-Security-Policy runs no script but this file.
'use strict';

(function () {
  const $ = (id) => document.getElementById(id);
  const STORE = 'referflow-serve-lang';

  const view = {
    data: null,
    lang: readStoredLang(),
    // What the diagram and narrative show now, so an update that does not change them (new
    // errors while the last good chart stays) does not redraw them.
    drawn: '',
    // The revision whose arrival was last highlighted.
    flashed: 0,
    actualSize: false,
  };

  function readStoredLang() {
    try {
      return window.localStorage.getItem(STORE);
    } catch (_) {
      return null;
    }
  }

  function storeLang(lang) {
    try {
      window.localStorage.setItem(STORE, lang);
    } catch (_) {
      // Private windows may refuse storage; the choice then lasts until the page closes.
    }
  }

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function plural(n, word) {
    return n === 1 ? `1 ${word}` : `${n} ${word}s`;
  }

  function time(ms) {
    return new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
  }

  function languageName(code) {
    try {
      const name = new Intl.DisplayNames([code], { type: 'language' }).of(code);
      if (name && name !== code) return name.charAt(0).toLocaleUpperCase(code) + name.slice(1);
    } catch (_) {
      // An unknown code is shown as it is.
    }
    return code;
  }

  function langIndex(chart) {
    const i = chart.languages.indexOf(view.lang);
    return i < 0 ? 0 : i;
  }

  function setLive(state, label, title) {
    const live = $('live');
    live.className = `live ${state}`;
    live.textContent = label;
    live.title = title;
  }

  // ---- the header ---------------------------------------------------------------------

  function drawHeader(data) {
    const chart = data.chart;
    const lang = chart ? langIndex(chart) : 0;
    const title = chart ? chart.titles[lang] : data.file;
    $('title').textContent = title;
    document.title = `${title} · referflow preview`;
    $('file').textContent = data.file;
    $('version').textContent = chart && chart.version ? chart.version : '';
    $('version').hidden = !(chart && chart.version);
    const updated = $('updated');
    updated.textContent = `checked ${time(data.read_at)}`;
    if (view.flashed !== data.revision) {
      view.flashed = data.revision;
      // Restarts the highlight, so everyone sees that the save arrived.
      updated.classList.remove('fresh');
      void updated.offsetWidth;
      updated.classList.add('fresh');
    }

    const status = $('status');
    if (data.problem && data.errors === 0 && data.warnings === 0 && !data.current) {
      status.className = 'status error';
      status.textContent = 'Cannot read the file';
    } else if (data.errors > 0) {
      status.className = 'status error';
      status.textContent = plural(data.errors, 'error');
    } else if (data.warnings > 0) {
      status.className = 'status warning';
      status.textContent = `No errors · ${plural(data.warnings, 'warning')}`;
    } else {
      status.className = 'status ok';
      status.textContent = 'No problems';
    }
    drawLanguages(chart);
  }

  function drawLanguages(chart) {
    const nav = $('languages');
    nav.replaceChildren();
    if (!chart || chart.languages.length < 2) {
      nav.hidden = true;
      return;
    }
    const current = langIndex(chart);
    chart.languages.forEach((code, i) => {
      const button = element('button', i === current ? 'selected' : '', languageName(code));
      button.type = 'button';
      button.lang = code;
      button.setAttribute('aria-pressed', String(i === current));
      button.dataset.lang = code;
      button.addEventListener('click', () => {
        view.lang = code;
        storeLang(code);
        draw(view.data);
      });
      nav.append(button);
    });
    nav.hidden = false;
  }

  // ---- problems -----------------------------------------------------------------------

  function drawProblems(data) {
    const problem = $('problem');
    problem.textContent = data.problem || '';
    problem.hidden = !data.problem;

    const errors = data.diagnostics.filter((d) => d.severity === 'error');
    const warnings = data.diagnostics.filter((d) => d.severity !== 'error');
    $('errors').hidden = errors.length === 0;
    $('errors-heading').textContent =
      errors.length === 0 ? '' : `${plural(errors.length, 'error')} to fix`;
    $('error-list').replaceChildren(...errors.map(diagnostic));

    // The warnings stay folded or open as the viewer left them.
    $('warnings').hidden = warnings.length === 0;
    $('warnings-heading').textContent = plural(warnings.length, 'warning');
    $('warning-list').replaceChildren(...warnings.map(diagnostic));

    $('problems').hidden = !data.problem && data.diagnostics.length === 0;
    $('problems').classList.toggle('has-errors', errors.length > 0 || Boolean(data.problem));
  }

  function diagnostic(d) {
    const item = element('li', `diagnostic ${d.severity}`);
    const what = element('div', 'what');
    what.append(
      element('span', 'badge', d.severity === 'error' ? 'Error' : 'Warning'),
      element('span', 'where', `Line ${d.line}, column ${d.column}`),
      element('span', 'code', `${d.code} ${d.name}`),
    );
    item.append(what, element('p', 'message', d.message));

    const source = element('pre', 'source');
    const code = element('code');
    const chars = Array.from(d.source);
    code.append(
      document.createTextNode(chars.slice(0, d.mark_start).join('')),
      element('mark', '', chars.slice(d.mark_start, d.mark_end).join('') || ' '),
      document.createTextNode(chars.slice(d.mark_end).join('')),
    );
    source.append(element('span', 'lineno', String(d.line)), code);
    item.append(source);

    for (const r of d.related) {
      const where = r.file ? `${r.file}, line ${r.line}` : `Line ${r.line}`;
      item.append(element('p', 'related', `${where}, column ${r.column}: ${r.label}`));
    }
    if (d.help) item.append(element('p', 'help', `Help: ${d.help}`));
    return item;
  }

  // ---- the diagram and the narrative --------------------------------------------------

  function drawChart(data) {
    const chart = data.chart;
    const figure = $('diagram');
    const narrative = $('narrative');
    const stale = $('stale');
    document.body.dataset.current = String(data.current);

    if (!chart) {
      view.drawn = '';
      figure.replaceChildren(
        element('p', 'placeholder', 'No diagram yet: the chart has errors. Fix them and save; the diagram appears here.'),
      );
      figure.classList.remove('stale');
      figure.removeAttribute('data-revision');
      narrative.hidden = true;
      stale.hidden = true;
      $('zoom').hidden = true;
      return;
    }

    const lang = langIndex(chart);
    const code = chart.languages[lang];
    document.documentElement.lang = code;
    figure.classList.toggle('stale', !data.current);
    stale.hidden = data.current;
    stale.textContent = data.current
      ? ''
      : `Below: the last version without errors, checked at ${time(chart.read_at)}. Fix the errors above to update it.`;

    const key = `${chart.revision}/${code}`;
    if (view.drawn === key) return;
    view.drawn = key;

    figure.lang = code;
    figure.dataset.revision = String(chart.revision);
    const svg = chart.svgs[lang];
    if (svg) {
      figure.innerHTML = svg;
      $('zoom').hidden = false;
      fitDiagram();
    } else {
      figure.replaceChildren(element('p', 'placeholder note', chart.diagram_note || 'No diagram.'));
      $('zoom').hidden = true;
    }
    narrative.lang = code;
    narrative.innerHTML = chart.narratives[lang];
    narrative.hidden = false;
  }

  // The SVG gives the diagram's size (in points when it says pt). Fitted, a diagram fills the
  // width of the window, but grows only as far as the whole of it still fits on the screen: a small chart
  // is made big enough to read from the back of the room, a tall one keeps its own size.
  function fitDiagram() {
    const figure = $('diagram');
    const svg = figure.querySelector('svg');
    if (!svg) return;
    const size = (attribute) => {
      const value = svg.getAttribute(attribute) || '';
      const number = parseFloat(value);
      return value.endsWith('pt') ? (number * 4) / 3 : number;
    };
    const width = size('width');
    const height = size('height');
    if (!(width > 0 && height > 0)) return;
    let scale = 1;
    if (!view.actualSize) {
      const box = getComputedStyle(figure);
      const room = figure.clientWidth - parseFloat(box.paddingLeft) - parseFloat(box.paddingRight);
      const screen = window.innerHeight - $('header').offsetHeight - 48;
      scale = Math.min(room / width, Math.max(1, screen / height));
    }
    svg.style.width = `${Math.round(width * scale)}px`;
    svg.style.height = `${Math.round(height * scale)}px`;
  }

  function draw(data) {
    if (!data) return;
    view.data = data;
    document.body.dataset.revision = String(data.revision);
    drawHeader(data);
    drawProblems(data);
    drawChart(data);
  }

  // ---- the connection -----------------------------------------------------------------

  function connect() {
    const events = new EventSource('/events');
    events.addEventListener('open', () => setLive('connected', 'Live', 'Updates arrive as the file is saved'));
    events.addEventListener('update', (event) => {
      let data;
      try {
        data = JSON.parse(event.data);
      } catch (_) {
        return;
      }
      draw(data);
    });
    events.addEventListener('error', () => {
      setLive('offline', 'Offline', 'Lost the connection to referflow serve; retrying. Is it still running?');
      if (events.readyState === EventSource.CLOSED) {
        // The browser gave up (the server answered with something else): try again later.
        setTimeout(connect, 2000);
      }
    });
  }

  function start() {
    const zoom = $('zoom');
    zoom.addEventListener('click', () => {
      view.actualSize = !view.actualSize;
      $('diagram').classList.toggle('fit', !view.actualSize);
      fitDiagram();
      zoom.setAttribute('aria-pressed', String(view.actualSize));
      zoom.textContent = view.actualSize ? 'Fit to window' : 'Actual size';
    });
    let pending = 0;
    window.addEventListener('resize', () => {
      cancelAnimationFrame(pending);
      pending = requestAnimationFrame(fitDiagram);
    });
    connect();
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
})();
