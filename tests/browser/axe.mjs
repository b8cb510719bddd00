// The accessibility check of referflow's HTML pages (run by tests/it/accessibility.rs):
// headless Chromium opens each page from its file, and for each language the page offers it
// runs axe-core with the rules of WCAG 2.0 and 2.1, A and AA, and axe's best practices.
//
//   node axe.mjs [--wait SELECTOR] PAGE.html|URL [...]
//
// A page is a file, or a URL (a page that draws itself, such as `referflow serve`'s, with
// --wait naming what must be on it before it is checked).
//
// A page with a language switch (radio buttons named `lang`, each with a label) is checked
// once per language, selected as a reader selects it: by clicking the language's label. A page
// without one, or whose switch is not shown, is checked once. For each language it also counts ids used more than once in
// the DOM, records which language sections (`main > [lang]`) a reader sees, and
// walks the page with the Tab key to find controls whose focus cannot be seen.
//
// Prints one JSON document on stdout:
//   {"pages": [{"page": PATH, "languages": [{"lang": "en", "violations": [{"id", "impact",
//     "help", "nodes", "targets"}], "duplicate_ids": [ID…], "shown": ["en"],
//     "focus_stops": N, "invisible_focus": [DESCRIPTION…]}]}]}
// Exit status: 0 when nothing was found, 1 when something was, 2 when the check could not run.
//
// The pages forbid every script (their Content-Security-Policy); axe is injected by the
// browser context, which is told to bypass that policy, as the reader's browser never is.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'];
// A page with more stops than this is not walked to its end (a chart of hundreds of steps):
// the controls of the page's frame come first, and the narrative's links all look alike.
const MAX_STOPS = 400;

const args = process.argv.slice(2);
const wait = args[0] === '--wait' ? args.splice(0, 2)[1] : null;
const files = args;
if (files.length === 0) {
  console.error('usage: node axe.mjs [--wait SELECTOR] PAGE.html|URL [...]');
  process.exit(2);
}

const watchdog = setTimeout(() => {
  console.error('axe.mjs: gave up after 10 minutes');
  process.exit(2);
}, 600_000);

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

// The ids used more than once, and the language sections a reader sees.
function inspect() {
  const counts = new Map();
  for (const element of document.querySelectorAll('[id]')) {
    counts.set(element.id, (counts.get(element.id) ?? 0) + 1);
  }
  const duplicates = [...counts].filter(([, n]) => n > 1).map(([id]) => id);
  const shown = [...document.querySelectorAll('main > [lang]')].filter((e) => e.checkVisibility()).map((e) => e.lang);
  return { duplicates, shown };
}

// Whether the focused element shows that it has focus: an outline or a shadow on it, or, for a
// control hidden from sight (a radio button of the language switch), on its label.
function focusSeen() {
  const element = document.activeElement;
  if (!element || element === document.body) return null;
  // Hidden from sight: a box of a pixel or less, or transparent (itself or an ancestor).
  const box = element.getBoundingClientRect();
  let transparent = false;
  for (let e = element; e && !transparent; e = e.parentElement) {
    transparent = parseFloat(getComputedStyle(e).opacity) === 0;
  }
  const hidden = box.width <= 1 || box.height <= 1 || transparent;
  const target = hidden && element.labels && element.labels.length > 0 ? element.labels[0] : element;
  const style = getComputedStyle(target);
  const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
  const shadow = style.boxShadow !== 'none';
  const marked = element.dataset.axeFocusSeen === '1';
  element.dataset.axeFocusSeen = '1';
  const name = `${element.tagName.toLowerCase()}${element.id ? `#${element.id}` : ''}${
    element.getAttribute('href') ? `[href="${element.getAttribute('href')}"]` : ''
  }`;
  return { name, visible: (outline || shadow) && (!hidden || target !== element), again: marked };
}

async function walkFocus(page) {
  // From the top: the focus on the body (made focusable for the moment) starts the walk
  // before the first control, wherever the last click left it.
  await page.evaluate(() => {
    for (const e of document.querySelectorAll('[data-axe-focus-seen]')) delete e.dataset.axeFocusSeen;
    const had = document.body.getAttribute('tabindex');
    document.body.setAttribute('tabindex', '-1');
    document.body.focus();
    if (had === null) document.body.removeAttribute('tabindex');
    else document.body.setAttribute('tabindex', had);
  });
  // To the end of the page, where the focus leaves the document, or round to a control met
  // before.
  const invisible = [];
  let stops = 0;
  while (stops < MAX_STOPS) {
    await page.keyboard.press('Tab');
    const seen = await page.evaluate(focusSeen);
    if (seen === null || seen.again) break;
    stops += 1;
    if (!seen.visible) invisible.push(seen.name);
  }
  await page.evaluate(() => {
    document.activeElement?.blur?.();
    for (const e of document.querySelectorAll('[data-axe-focus-seen]')) delete e.dataset.axeFocusSeen;
  });
  return { stops, invisible };
}

async function check(page) {
  // axe is injected once per page and run again after each switch.
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) {
    await page.addScriptTag({ content: axeSource });
  }
  const result = await page.evaluate(
    async (tags) => await window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] }),
    TAGS,
  );
  const violations = result.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    nodes: v.nodes.length,
    targets: v.nodes.slice(0, 5).map((n) => n.target.join(' ')),
  }));
  const { duplicates, shown } = await page.evaluate(inspect);
  const focus = await walkFocus(page);
  return {
    violations,
    duplicate_ids: duplicates,
    shown,
    focus_stops: focus.stops,
    invisible_focus: focus.invisible,
  };
}

let found = 0;
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  timeout: 60_000,
});
try {
  const context = await browser.newContext({ bypassCSP: true, viewport: { width: 1280, height: 900 } });
  const pages = [];
  for (const file of files) {
    const page = await context.newPage();
    page.setDefaultTimeout(30_000);
    const url = /^https?:\/\//.test(file) ? file : pathToFileURL(resolve(file)).href;
    await page.goto(url, { waitUntil: 'load' });
    if (wait) await page.waitForSelector(wait);
    const switches = await page.$$eval('input[type="radio"][name="lang"]', (radios) =>
      radios.map((r) => ({
        id: r.id,
        lang: r.value !== 'on' ? r.value : r.labels?.[0]?.lang || r.id,
        labelled: Boolean(r.labels && r.labels.length > 0),
        shown: Boolean(r.labels?.[0]?.checkVisibility()),
      })),
    );
    const languages = [];
    // A switch the page does not show (a browser without `:has()`, here simulated) leaves
    // every language on the page at once: one check sees them all.
    if (!switches.some((s) => s.shown)) {
      const lang = await page.evaluate(() => document.documentElement.lang);
      languages.push({ lang, ...(await check(page)) });
    } else {
      for (const radio of switches) {
        if (!radio.labelled) {
          languages.push({ lang: radio.lang, error: `the switch's radio #${radio.id} has no label` });
          continue;
        }
        await page.click(`label[for="${radio.id}"]`);
        const checked = await page.$eval(`input[id="${radio.id}"]`, (r) => r.checked).catch(() => false);
        const entry = { lang: radio.lang, ...(await check(page)) };
        if (!checked) entry.error = `clicking the label of ${radio.lang} did not select it`;
        languages.push(entry);
      }
    }
    for (const l of languages) {
      found += (l.violations?.length ?? 0) + (l.duplicate_ids?.length ?? 0) + (l.invisible_focus?.length ?? 0);
      found += l.error ? 1 : 0;
    }
    pages.push({ page: file, languages });
    await page.close();
  }
  console.log(JSON.stringify({ pages }));
} catch (error) {
  console.error(`axe.mjs: ${error.stack || error}`);
  process.exitCode = 2;
} finally {
  await browser.close().catch(() => {});
  clearTimeout(watchdog);
}
if (process.exitCode !== 2) process.exitCode = found > 0 ? 1 : 0;
