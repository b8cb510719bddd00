// The page's half of playground/build.sh: bundles src/ with esbuild and writes the static
// folder.
//
//   node build.mjs OUT GLUE
//
// GLUE is wasm-bindgen's `--target no-modules --out-name referflow` output (referflow.js and
// referflow_bg.wasm). OUT is made anew each time, next to itself first and then renamed into
// place, so a folder being served is never half written.
//
// Everything is a classic script: Chromium runs no ES module and no fetch() from a file URL,
// and the folder must work from one (docs/playground.md).

import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const examplesDir = resolve(here, '../examples');
const [outArg, glueArg] = process.argv.slice(2);
if (!outArg || !glueArg) {
  console.error('usage: node build.mjs OUT GLUE');
  process.exit(2);
}
const out = resolve(outArg);
const glue = resolve(glueArg);
const staging = `${out}.staging-${process.pid}`;

// The bundled charts, read at build time: the page asks for nothing at run time.
const examplesPlugin = {
  name: 'referflow-examples',
  setup(build) {
    build.onResolve({ filter: /^referflow:examples$/ }, () => ({ path: 'examples', namespace: 'referflow' }));
    build.onLoad({ filter: /.*/, namespace: 'referflow' }, () => {
      const files = readdirSync(examplesDir).filter((f) => f.endsWith('.flow')).sort();
      const examples = files.map((file) => ({ file, text: readFileSync(join(examplesDir, file), 'utf8') }));
      return { contents: `export default ${JSON.stringify(examples)};`, loader: 'js', watchFiles: files.map((f) => join(examplesDir, f)) };
    });
  },
};

rmSync(staging, { recursive: true, force: true });
mkdirSync(staging, { recursive: true });
try {
  await esbuild.build({
    entryPoints: [join(here, 'src/main.js')],
    bundle: true,
    format: 'iife',
    target: ['chrome111', 'firefox113', 'safari16.4'],
    minify: true,
    legalComments: 'eof',
    charset: 'utf8',
    outfile: join(staging, 'playground.js'),
    plugins: [examplesPlugin],
    // @viz-js/viz asks where its script is, for a wasm file it never fetches (it carries its
    // module inline); in a classic script there is no import.meta.
    define: { 'import.meta.url': 'undefined' },
    logLevel: 'warning',
  });
  for (const file of ['index.html', 'playground.css']) copyFileSync(join(here, file), join(staging, file));
  for (const file of ['referflow.js', 'referflow_bg.wasm']) {
    if (!existsSync(join(glue, file))) throw new Error(`${join(glue, file)} is missing: run wasm-bindgen first`);
    copyFileSync(join(glue, file), join(staging, file));
  }
  // The module again, for pages opened from a file URL, where fetch() is refused (engine.js).
  const wasm = readFileSync(join(glue, 'referflow_bg.wasm'));
  writeFileSync(
    join(staging, 'referflow_bg.wasm.js'),
    `// referflow_bg.wasm in base64, for a page opened from a file URL (see engine.js).\nself.REFERFLOW_WASM_BASE64 = "${wasm.toString('base64')}";\n`,
  );
  rmSync(out, { recursive: true, force: true });
  renameSync(staging, out);
} catch (error) {
  rmSync(staging, { recursive: true, force: true });
  throw error;
}

const wasm = readFileSync(join(out, 'referflow_bg.wasm'));
const mb = (n) => `${(n / 1024 / 1024).toFixed(2)} MB`;
const total = readdirSync(out).reduce((sum, f) => sum + statSync(join(out, f)).size, 0);
console.log(`playground: ${out}`);
console.log(`referflow_bg.wasm: ${mb(wasm.length)}, ${mb(gzipSync(wasm, { level: 9 }).length)} gzip-compressed; the folder: ${mb(total)}`);
