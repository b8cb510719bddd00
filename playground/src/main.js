// The playground page: the editor, the checker's problems, the diagram, the narrative.
//
// Everything happens in this page. The checker and emitters are referflow's own, compiled to
// WebAssembly (engine.js); Graphviz, compiled to WebAssembly by @viz-js/viz, lays out the
// chart's DOT. Diagnostics and titles are set as text, never as markup; the narrative is HTML
// made by referflow's emitter, which escapes every user text, and the SVG is Graphviz's, made
// from DOT in which referflow escaped every label.

import { instance as vizInstance } from '@viz-js/viz';
import examples from 'referflow:examples';
import { placeDiagnostics } from './diagnostics.js';
import { createEditor, goTo, replaceText, showDiagnostics, wordRoles } from './editor.js';
import { loadEngine } from './engine.js';
import { decodeChart, encodeChart, readFragment, writeFragment } from './fragment.js';

/** The chart shown when the address holds none. */
const FIRST_EXAMPLE = 'thailand-nrm.flow';
/** How long typing must pause before the chart is checked again. */
const CHECK_DELAY = 150;
/** How long typing must pause before the address is written again. */
const FRAGMENT_DELAY = 400;

const $ = (id) => document.getElementById(id);

const page = {
  engine: null,
  viz: null,
  vizError: null,
  view: null,
  /** The language chosen in the switch (a code), or '' for the chart's first. */
  lang: '',
  /** The codes the switch offers now, joined, so the switch is rebuilt only when they change. */
  languagesShown: null,
  /** The name downloads take: the example's, or `chart`. */
  name: 'chart',
  checkTimer: 0,
  fragmentTimer: 0,
  /** The text and language of the diagram and narrative on show, which had no errors. */
  drawn: null,
  errors: 0,
};

start();

async function start() {
  const vizLoading = vizInstance().then(
    (viz) => (page.viz = viz),
    (error) => (page.vizError = error),
  );
  try {
    page.engine = await loadEngine();
  } catch (error) {
    setStatus('error', 'The checker could not be loaded');
    $('pg-summary').textContent = `The checker could not be loaded: ${error.message}`;
    return;
  }
  $('pg-version').textContent = `Referflow ${page.engine.version()}`;

  const fragment = readFragment(location.hash);
  let text = null;
  let note = null;
  if (fragment.chart) {
    try {
      text = await decodeChart(fragment.chart);
    } catch (_) {
      note = 'The chart in this link could not be read, so an example is shown instead.';
    }
  }
  if (text === null) {
    const first = examples.find((e) => e.file === FIRST_EXAMPLE) ?? examples[0];
    text = first ? first.text : '';
    page.name = first ? stem(first.file) : 'chart';
  }
  page.lang = fragment.lang ?? '';

  page.view = createEditor({
    parent: $('pg-editor'),
    text,
    roles: wordRoles(page.engine.keywords()),
    label: 'Chart text',
    onChange: () => {
      clearTimeout(page.checkTimer);
      page.checkTimer = setTimeout(update, CHECK_DELAY);
      clearTimeout(page.fragmentTimer);
      page.fragmentTimer = setTimeout(saveToFragment, FRAGMENT_DELAY);
    },
  });
  setUpExamples();
  setUpDownloads();
  setUpNarrativeLinks();
  setUpZoom();
  window.addEventListener('hashchange', openFromFragment);

  update();
  if (note) $('pg-summary').textContent = note;
  await vizLoading;
  if (page.vizError) {
    showStale(`The diagram cannot be drawn: Graphviz did not load (${page.vizError.message}).`);
  } else if (page.errors === 0) {
    draw(currentText(), page.lang);
  }
}

function currentText() {
  return page.view.state.doc.toString();
}

// ---- checking ----------------------------------------------------------------------------

/** Checks the text now: problems, squiggles, the language switch, then the drawing. */
function update() {
  clearTimeout(page.checkTimer);
  const text = currentText();
  let diagnostics;
  try {
    diagnostics = placeDiagnostics(text, page.engine.check(text));
  } catch (error) {
    setStatus('error', 'The checker failed');
    $('pg-summary').textContent = `The checker failed on this text: ${error.message}`;
    return;
  }
  showDiagnostics(page.view, diagnostics);
  showProblems(diagnostics);
  showLanguages(text);
  page.errors = diagnostics.filter((d) => d.severity === 'error').length;
  if (page.errors === 0) {
    // After the problems are painted: laying out a large chart takes a moment.
    setTimeout(() => {
      if (page.errors === 0 && currentText() === text) draw(text, page.lang);
    }, 0);
  } else {
    showStale(staleMessage(page.errors));
  }
}

function showProblems(diagnostics) {
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.length - errors;
  const counts = [plural(errors, 'error'), plural(warnings, 'warning')].filter((_, i) => [errors, warnings][i] > 0);
  if (diagnostics.length === 0) {
    setStatus('ok', 'No problems');
  } else {
    setStatus(errors > 0 ? 'error' : 'warning', counts.join(', '));
  }
  $('pg-summary').textContent =
    diagnostics.length === 0 ? 'The checker finds nothing wrong.' : `${counts.join(' and ')}. Choose one to go to its line.`;
  const box = $('pg-problems');
  box.classList.toggle('has-errors', errors > 0);
  box.classList.toggle('has-warnings', errors === 0 && warnings > 0);

  const list = $('pg-problem-list');
  list.replaceChildren(
    ...diagnostics.map((d) => {
      const button = element('button', d.severity);
      button.type = 'button';
      button.dataset.code = d.code;
      button.dataset.line = String(d.line);
      button.append(
        element('span', 'where', `Line ${d.line}, column ${d.column}`),
        element('span', 'code', d.code),
        element('span', 'message', `${d.severity === 'error' ? 'Error' : 'Warning'}: ${d.message}`),
      );
      if (d.help) button.append(element('span', 'help', `Help: ${d.help}`));
      button.addEventListener('click', () => goTo(page.view, d.from));
      const item = element('li', d.severity);
      item.append(button);
      return item;
    }),
  );
}

function setStatus(kind, text) {
  const status = $('pg-status');
  status.className = `status ${kind}`;
  status.textContent = text;
}

function staleMessage(errors) {
  const what = `The chart has ${plural(errors, 'error')}`;
  return page.drawn
    ? `${what}: the diagram and the narrative below are those of the last version without errors.`
    : `${what}: the diagram and the narrative appear once ${errors === 1 ? 'it is' : 'they are'} fixed.`;
}

// ---- the language switch -----------------------------------------------------------------

function showLanguages(text) {
  let languages = [];
  try {
    languages = JSON.parse(page.engine.info(text)).languages ?? [];
  } catch (_) {
    // A text the checker cannot read keeps the switch it had.
    return;
  }
  const codes = languages.map((l) => l.code).join(' ');
  if (codes === page.languagesShown) return;
  page.languagesShown = codes;
  if (!languages.some((l) => l.code === page.lang)) page.lang = languages[0]?.code ?? '';
  const nav = $('pg-languages');
  nav.hidden = languages.length < 2;
  nav.replaceChildren(
    ...languages.map((language) => {
      const button = element('button');
      button.type = 'button';
      button.dataset.lang = language.code;
      // The language's name in itself (`ไทย`), so it is read in that language.
      const name = language.name && language.name !== language.code ? language.name : ownName(language.code);
      button.textContent = name ?? language.code;
      if (name) button.lang = language.code;
      button.setAttribute('aria-pressed', String(language.code === page.lang));
      button.addEventListener('click', () => chooseLanguage(language.code));
      return button;
    }),
  );
}

function chooseLanguage(code) {
  page.lang = code;
  for (const button of $('pg-languages').querySelectorAll('button')) {
    button.setAttribute('aria-pressed', String(button.dataset.lang === code));
  }
  // With errors, the last good version is shown in the chosen language.
  const text = page.errors === 0 ? currentText() : page.drawn?.text;
  if (text !== undefined) draw(text, code);
  if (page.errors > 0) showStale(staleMessage(page.errors));
  saveToFragment();
}

/** A language's name in itself, when the browser knows it and the checker does not. */
function ownName(code) {
  try {
    const name = new Intl.DisplayNames([code], { type: 'language' }).of(code);
    if (name && name !== code) return name.charAt(0).toLocaleUpperCase(code) + name.slice(1);
  } catch (_) {
    // An unknown code is shown by the name the chart's checker gives.
  }
  return null;
}

// ---- the diagram and the narrative -------------------------------------------------------

/** Draws the diagram and the narrative of `text` (which has no errors) in `lang`. */
function draw(text, lang) {
  if (!page.viz) return;
  if (page.drawn && page.drawn.text === text && page.drawn.lang === lang) {
    if (page.errors === 0 && text === currentText()) showFresh();
    return;
  }
  let svg;
  let narrative;
  let title = '';
  try {
    const dot = page.engine.render(text, 'dot', lang);
    narrative = page.engine.render(text, 'narrative-html', lang);
    title = JSON.parse(page.engine.info(text)).title ?? '';
    svg = page.viz.renderSVGElement(dot);
  } catch (error) {
    showStale(`The chart could not be drawn: ${error.message ?? error}`);
    return;
  }
  const code = lang || page.languagesShown?.split(' ')[0] || '';
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', title ? `Diagram of the chart: ${title}` : 'Diagram of the chart');
  const figure = $('pg-diagram');
  figure.replaceChildren(svg);
  const article = $('pg-narrative');
  article.innerHTML = narrative;
  demoteHeadings(article);
  if (code) {
    figure.lang = code;
    article.lang = code;
  }
  page.drawn = { text, lang };
  if (page.errors === 0 && text === currentText()) showFresh();
}

function showFresh() {
  $('pg-stale').hidden = true;
  $('pg-diagram').classList.remove('stale');
  $('pg-narrative').classList.remove('stale');
  $('pg-download-svg').disabled = false;
  $('pg-download-md').disabled = false;
}

function showStale(message) {
  const note = $('pg-stale');
  note.textContent = message;
  note.hidden = false;
  $('pg-diagram').classList.toggle('stale', Boolean(page.drawn));
  $('pg-narrative').classList.toggle('stale', Boolean(page.drawn));
  $('pg-download-svg').disabled = true;
  $('pg-download-md').disabled = true;
}

/** The narrative's headings sit under the page's "Narrative" (h2): its h1 becomes an h3. */
function demoteHeadings(root) {
  for (const heading of root.querySelectorAll('h1, h2, h3, h4')) {
    const level = Math.min(Number(heading.tagName[1]) + 2, 6);
    const lower = document.createElement(`h${level}`);
    for (const { name, value } of heading.attributes) lower.setAttribute(name, value);
    lower.append(...heading.childNodes);
    heading.replaceWith(lower);
  }
}

/** The narrative's links to its own steps scroll there without touching the address, which holds the chart. */
function setUpNarrativeLinks() {
  $('pg-narrative').addEventListener('click', (event) => {
    const link = event.target.closest('a[href^="#"]');
    if (!link) return;
    event.preventDefault();
    const target = document.getElementById(decodeURIComponent(link.getAttribute('href').slice(1)));
    if (target) {
      target.scrollIntoView({ block: 'start' });
      const heading = target.closest('h3, h4, h5, h6') ?? target;
      if (!heading.hasAttribute('tabindex')) heading.setAttribute('tabindex', '-1');
      heading.focus({ preventScroll: true });
    }
  });
}

/** The diagram fitted to its box, or at its actual size (scrolled in the box). */
function setUpZoom() {
  const button = $('pg-zoom');
  button.addEventListener('click', () => {
    const actual = button.getAttribute('aria-pressed') !== 'true';
    button.setAttribute('aria-pressed', String(actual));
    $('pg-diagram').classList.toggle('actual', actual);
  });
}

// ---- the address -------------------------------------------------------------------------

async function saveToFragment() {
  clearTimeout(page.fragmentTimer);
  const text = currentText();
  const encoded = await encodeChart(text);
  if (text === currentText()) writeFragment(encoded, page.lang);
}

/** A link pasted into the address bar of an open playground opens its chart. */
async function openFromFragment() {
  const fragment = readFragment(location.hash);
  if (!fragment.chart) return;
  let text;
  try {
    text = await decodeChart(fragment.chart);
  } catch (_) {
    $('pg-summary').textContent = 'The chart in this link could not be read.';
    return;
  }
  if (fragment.lang) page.lang = fragment.lang;
  if (text !== currentText()) {
    replaceText(page.view, text);
    update();
  } else if (page.errors === 0) {
    draw(text, page.lang);
  }
}

// ---- examples and downloads --------------------------------------------------------------

function setUpExamples() {
  const select = $('pg-examples');
  for (const example of examples) {
    let title = '';
    try {
      title = JSON.parse(page.engine.info(example.text)).title ?? '';
    } catch (_) {
      // The file's name says which it is.
    }
    const option = element('option', null, title ? `${title} (${example.file})` : example.file);
    option.value = example.file;
    select.append(option);
  }
  select.addEventListener('change', () => {
    const example = examples.find((e) => e.file === select.value);
    if (!example) return;
    page.name = stem(example.file);
    replaceText(page.view, example.text);
    update();
    saveToFragment();
    select.value = '';
    $('pg-summary').textContent = `Opened ${example.file}. Undo (Ctrl+Z) in the editor brings back the text before it.`;
  });
}

function setUpDownloads() {
  $('pg-download-flow').addEventListener('click', () => {
    download(`${page.name}.flow`, 'text/plain;charset=utf-8', currentText());
  });
  $('pg-download-svg').addEventListener('click', () => {
    const svg = $('pg-diagram').querySelector('svg');
    if (!svg) return;
    const xml = new XMLSerializer().serializeToString(svg);
    download(`${page.name}.svg`, 'image/svg+xml', `<?xml version="1.0" encoding="UTF-8"?>\n${xml}\n`);
  });
  $('pg-download-md').addEventListener('click', () => {
    if (!page.drawn) return;
    try {
      download(`${page.name}.md`, 'text/markdown;charset=utf-8', page.engine.render(page.drawn.text, 'md', page.drawn.lang));
    } catch (error) {
      showStale(`The Markdown could not be made: ${error.message ?? error}`);
    }
  });
}

/** Saves `text` as a file named `name`: made in the page, never sent anywhere. */
function download(name, type, text) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = element('a');
  link.href = url;
  link.download = name;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

// ---- small things ------------------------------------------------------------------------

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function plural(n, word) {
  return n === 1 ? `1 ${word}` : `${n} ${word}s`;
}

function stem(file) {
  return file.replace(/\.flow$/, '');
}
