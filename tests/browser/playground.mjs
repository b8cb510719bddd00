// The browser test of the playground (run by tests/it/playground.rs): headless Chromium opens
// the built page from its file, as someone who downloaded the folder would, and uses it.
//
//   node playground.mjs PAGE.html EXAMPLES_DIR [--screenshot DIR]
//
// PAGE.html is target/playground/index.html; EXAMPLES_DIR is examples/, whose Thai chart
// (thailand-nrm.flow) the page opens first and whose UK chart (uk-nrm.flow) its menu offers.
// It checks, in order: the Thai chart's diagram and narrative; a stage typed `by` an unknown
// agency shows RF003 on its line, squiggled and listed, within a second, over the last good
// diagram; the list's entry goes to the line; fixing it draws the diagram again; the switch
// shows the Thai labels; the address keeps the chart (a reload shows the same text, in the
// same language); the menu opens an example; the downloads; that the page asked for nothing
// but its own files; and, served over http as a static host serves it, that it fetches the
// module instead of reading its base64 copy. Prints one line of JSON with what it measured; any failed check
// exits 1.

import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, extname, join, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const [pagePath, examplesDir, flag, shots] = process.argv.slice(2);
if (!pagePath || !examplesDir) {
  console.error('usage: node playground.mjs PAGE.html EXAMPLES_DIR [--screenshot DIR]');
  process.exit(2);
}
const screenshotDir = flag === '--screenshot' ? shots : null;
const url = pathToFileURL(resolve(pagePath)).href;
const LOAD = 20_000; // ms: loading the checker and Graphviz, and the first layout
const TYPED = 1_000; // ms: a typed problem must show within this (issue 20)

const watchdog = setTimeout(() => {
  console.error('playground.mjs: gave up after 3 minutes');
  process.exit(1);
}, 180_000);

function check(condition, message) {
  if (!condition) throw new Error(message);
}

/** Text without white space, as a diagram's lines join it. */
const squeeze = (text) => text.replace(/\s+/g, '');

const thai = readFileSync(join(examplesDir, 'thailand-nrm.flow'), 'utf8');
const uk = readFileSync(join(examplesDir, 'uk-nrm.flow'), 'utf8');
// The first stage's label, and its Thai text (the first item of its block).
const STAGE = /^[ \t]*(?:start|step|decision|end)\s+(?:\d+\s+)?[\p{L}_][\p{L}\p{M}\p{N}_-]*\s+"([^"]*)"[^\n]*\{\s*th\s+"([^"]*)"/mu;
const [, thaiLabel, thaiLabelTh] = thai.match(STAGE) ?? [];
const [, ukLabel] = uk.match(/^[ \t]*(?:start|step|decision|end)\s+(?:\d+\s+)?[\p{L}_][\p{L}\p{M}\p{N}_-]*\s+"([^"]*)"/mu) ?? [];
check(thaiLabel && thaiLabelTh && ukLabel, 'the examples should have a first stage with a label (and a Thai one)');
// The first actor of the Thai chart: what the fix names.
const [, knownActor] = thai.match(/^actor\s+([\p{L}_][\p{L}\p{M}\p{N}_-]*)/mu) ?? [];
check(knownActor, 'the Thai example should define an actor');

// A static host: the folder's files as they are, with their types, on a port of this machine.
let server;
async function serve(folder) {
  const types = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.wasm': 'application/wasm' };
  server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url, 'http://host').pathname);
    const file = resolve(folder, `.${path === '/' ? '/index.html' : path}`);
    let body;
    try {
      if (!file.startsWith(folder + sep)) throw new Error('outside');
      body = readFileSync(file);
    } catch (_) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' }).end(body);
  });
  await new Promise((done) => server.listen(0, '127.0.0.1', done));
  return `http://127.0.0.1:${server.address().port}`;
}

const profile = mkdtempSync(join(tmpdir(), 'referflow-playground-'));
const measured = {};
let context;
try {
  context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1400, height: 1000 },
    acceptDownloads: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    timeout: 30_000,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(LOAD);

  // Every request the page makes. Its own files are file: URLs; a download is a blob: URL made
  // in the page. Anything else went out of the page.
  const requests = [];
  context.on('request', (request) => requests.push(request.url()));
  const complaints = [];
  page.on('console', (message) => {
    if (message.type() === 'error') complaints.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => complaints.push(`page error: ${error.message}`));

  const diagramText = () => page.$eval('#pg-diagram svg', (svg) => svg.textContent);
  const fresh = () => page.waitForFunction(() => document.querySelector('#pg-stale').hidden && document.querySelector('#pg-diagram svg'));

  // ---- the Thai chart, drawn ----------------------------------------------------------------
  const started = Date.now();
  await page.goto(url, { waitUntil: 'load' });
  await page.waitForSelector('#pg-diagram svg g.node');
  measured.first_diagram_ms = Date.now() - started;
  check(squeeze(await diagramText()).includes(squeeze(thaiLabel)), `the diagram should show the stage "${thaiLabel}"`);
  measured.nodes = await page.$$eval('#pg-diagram svg g.node', (nodes) => nodes.length);
  check(measured.nodes >= 10, `the Thai chart's diagram should have its stages, not ${measured.nodes} nodes`);
  check(squeeze(await page.textContent('#pg-narrative')).includes(squeeze(thaiLabel)), 'the narrative should tell the first stage');
  check((await page.getAttribute('#pg-status', 'class')).includes('ok'), `the Thai chart should have no problems: ${await page.textContent('#pg-status')}`);
  const languages = await page.$$eval('#pg-languages button', (buttons) => buttons.map((b) => b.dataset.lang));
  check(languages.join(' ') === 'en th', `the switch should offer en and th, not ${languages.join(', ')}`);
  if (screenshotDir) await page.screenshot({ path: join(screenshotDir, 'playground-thai.png') });

  // ---- an unknown agency, typed ---------------------------------------------------------------
  const lines = thai.split('\n');
  // The chart ends with a newline: Ctrl+End puts the cursor on the empty line after it.
  check(lines.at(-1) === '', 'the Thai example should end with a newline');
  const line = lines.length;
  await page.click('.cm-content');
  await page.keyboard.press('Control+End');
  await page.keyboard.type('end ghost "Closed by an agency nobody defined" by nobody_agency');
  const typed = Date.now();
  await page.waitForFunction(
    (line) => {
      const listed = [...document.querySelectorAll('#pg-problem-list button[data-code="RF003"]')].some(
        (b) => b.dataset.line === String(line) && b.textContent.includes('`nobody_agency`'),
      );
      const marked = [...document.querySelectorAll('.cm-lintRange-error.rf-RF003')].some(
        (m) => m.textContent === 'nobody_agency' && m.closest('.cm-line')?.textContent.startsWith('end ghost'),
      );
      return listed && marked;
    },
    line,
    { timeout: TYPED * 5, polling: 10 },
  );
  measured.rf003_ms = Date.now() - typed;
  check(measured.rf003_ms <= TYPED, `RF003 showed ${measured.rf003_ms} ms after the typing, more than ${TYPED} ms`);
  // The gutter marks the line too, and the last good diagram stays, said to be the last good one.
  check(await page.$('.cm-gutter-lint .cm-lint-marker-error'), 'the lint gutter should mark the line');
  check(await page.isVisible('#pg-stale'), 'the page should say the diagram is that of the last version without errors');
  check(await page.$('#pg-diagram.stale svg g.node'), 'the last good diagram should stay, marked as not current');
  check((await page.getAttribute('#pg-status', 'class')).includes('error'), 'the status should say there is an error');
  if (screenshotDir) await page.screenshot({ path: join(screenshotDir, 'playground-error.png') });

  // The list's entry takes the cursor to the line.
  await page.click('.cm-content');
  await page.keyboard.press('Control+Home');
  await page.click(`#pg-problem-list button[data-code="RF003"][data-line="${line}"]`);
  await page.waitForFunction(() => document.querySelector('.cm-activeLine')?.textContent.startsWith('end ghost'));
  check(await page.evaluate(() => document.activeElement?.classList.contains('cm-content')), 'the editor should have the focus');

  // ---- fixed ------------------------------------------------------------------------------------
  await page.keyboard.press('End');
  for (let i = 0; i < 'nobody_agency'.length; i += 1) await page.keyboard.press('Backspace');
  await page.keyboard.type(knownActor);
  const fixed = Date.now();
  await fresh();
  measured.fixed_ms = Date.now() - fixed;
  check(squeeze(await diagramText()).includes(squeeze('Closed by an agency nobody defined')), 'the diagram should show the new stage');
  check(!(await page.$('#pg-problem-list button[data-code="RF003"]')), 'RF003 should be gone from the list');
  check(!(await page.$('.cm-lintRange-error')), 'no squiggle of an error should be left');

  // ---- in Thai ------------------------------------------------------------------------------------
  await page.click('#pg-languages button[data-lang="th"]');
  await page.waitForFunction(
    (label) => document.querySelector('#pg-diagram svg')?.textContent.replace(/\s+/g, '').includes(label),
    squeeze(thaiLabelTh),
  );
  check((await page.getAttribute('#pg-narrative', 'lang')) === 'th', 'the narrative should say it is in Thai');
  check(squeeze(await page.textContent('#pg-narrative')).includes(squeeze(thaiLabelTh)), 'the narrative should be in Thai');
  check((await page.getAttribute('#pg-languages button[data-lang="th"]', 'aria-pressed')) === 'true', 'th should be pressed');
  if (screenshotDir) await page.screenshot({ path: join(screenshotDir, 'playground-th.png') });

  // ---- the address ----------------------------------------------------------------------------------
  const downloaded = async (button) => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.click(button)]);
    return { name: download.suggestedFilename(), text: readFileSync(await download.path(), 'utf8') };
  };
  await page.waitForFunction(() => /[#&]c=/.test(location.hash) && /[#&]l=th/.test(location.hash));
  const before = await downloaded('#pg-download-flow');
  check(before.text === `${thai}end ghost "Closed by an agency nobody defined" by ${knownActor}`, 'the .flow download should be the edited text');
  check(before.name.endsWith('.flow'), `the download's name should end in .flow: ${before.name}`);
  measured.fragment_chars = (await page.evaluate(() => location.hash)).length;
  await page.reload({ waitUntil: 'load' });
  await page.waitForSelector('#pg-diagram svg g.node');
  const after = await downloaded('#pg-download-flow');
  check(after.text === before.text, 'a reload with the address should show the same text');
  check((await page.getAttribute('#pg-languages button[data-lang="th"]', 'aria-pressed')) === 'true', 'a reload should keep Thai');
  check(squeeze(await diagramText()).includes(squeeze(thaiLabelTh)), 'a reload should draw the diagram in Thai');

  const svg = await downloaded('#pg-download-svg');
  check(svg.text.startsWith('<?xml') && svg.text.includes('<svg') && svg.name.endsWith('.svg'), 'the SVG download should be an SVG');
  const md = await downloaded('#pg-download-md');
  check(md.name.endsWith('.md') && squeeze(md.text).includes(squeeze(thaiLabelTh)), 'the Markdown download should be the narrative in Thai');

  // ---- an example from the menu ---------------------------------------------------------------------
  await page.selectOption('#pg-examples', 'uk-nrm.flow');
  await page.waitForFunction(
    (label) => document.querySelector('#pg-diagram svg')?.textContent.replace(/\s+/g, '').includes(label),
    squeeze(ukLabel),
  );
  await fresh();
  // Every chart of examples/ is on the menu, and opens as it is there.
  const offered = await page.$$eval('#pg-examples option', (options) => options.map((o) => o.value).filter(Boolean));
  const bundled = readdirSync(examplesDir).filter((f) => f.endsWith('.flow')).sort();
  check(offered.join(' ') === bundled.join(' '), `the menu should offer ${bundled.join(', ')}, not ${offered.join(', ')}`);
  for (const file of bundled) {
    // The menu goes back to its prompt after each choice, so choosing the UK chart again opens it again.
    await page.selectOption('#pg-examples', file);
    const flow = await downloaded('#pg-download-flow');
    check(flow.name === file, `the download of ${file} is named ${flow.name}`);
    check(flow.text === readFileSync(join(examplesDir, file), 'utf8'), `the menu should open ${file} as it is`);
  }

  check(complaints.length === 0, `the page complained: ${complaints.join('; ')}`);
  const outside = requests.filter((r) => !r.startsWith('file:') && !r.startsWith('blob:'));
  check(outside.length === 0, `the page asked for something other than its files: ${outside.join(', ')}`);
  measured.requests = requests.filter((r) => r.startsWith('file:')).map((r) => r.slice(r.lastIndexOf('/') + 1).replace(/#.*/, ''));
  check(measured.requests.includes('referflow_bg.wasm.js'), 'from a file URL the page should read the base64 copy of the module');
  await page.close();

  // ---- from a static host ---------------------------------------------------------------------------
  const origin = await serve(dirname(resolve(pagePath)));
  requests.length = 0;
  const served = await context.newPage();
  served.setDefaultTimeout(LOAD);
  served.on('pageerror', (error) => complaints.push(`page error (http): ${error.message}`));
  served.on('console', (message) => {
    if (message.type() === 'error') complaints.push(`console (http): ${message.text()}`);
  });
  await served.goto(`${origin}/`, { waitUntil: 'load' });
  await served.waitForSelector('#pg-diagram svg g.node');
  check(complaints.length === 0, `the page complained over http: ${complaints.join('; ')}`);
  const elsewhere = requests.filter((r) => !r.startsWith(`${origin}/`));
  check(elsewhere.length === 0, `over http the page asked for something other than its files: ${elsewhere.join(', ')}`);
  const files = requests.map((r) => new URL(r).pathname);
  check(files.includes('/referflow_bg.wasm') && !files.includes('/referflow_bg.wasm.js'), `over http the page should fetch the module: ${files.join(', ')}`);
  measured.requests_http = files;
  console.log(JSON.stringify(measured));
} catch (error) {
  console.error(`playground.mjs: ${error.stack || error}`);
  process.exitCode = 1;
} finally {
  await context?.close().catch(() => {});
  server?.close();
  rmSync(profile, { recursive: true, force: true });
  clearTimeout(watchdog);
}
