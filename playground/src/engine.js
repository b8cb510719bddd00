// The checker and emitters: crates/referflow-wasm, compiled to WebAssembly and bound by
// wasm-bindgen's `--target no-modules` glue (referflow.js, a classic script that defines the
// global `wasm_bindgen`).
//
// Over http(s) the module is fetched from the page's folder. From a file URL Chromium refuses
// fetch(), so the same bytes come from referflow_bg.wasm.js, a classic script holding them in
// base64, which is added to the page only then (it is a third larger than the module).

/** Loads the module and returns wasm-bindgen's bindings (check, render, info, keywords, version). */
export async function loadEngine() {
  // The glue declares it with `let`: a global binding of the page's scripts, not a property
  // of the window.
  const bindings = typeof wasm_bindgen === 'undefined' ? undefined : wasm_bindgen;
  if (typeof bindings !== 'function') {
    throw new Error('referflow.js, the WebAssembly glue, did not load');
  }
  const module_or_path =
    location.protocol === 'file:'
      ? decodeBase64(await classicScriptGlobal('referflow_bg.wasm.js', 'REFERFLOW_WASM_BASE64'))
      : new URL('referflow_bg.wasm', document.baseURI);
  await bindings({ module_or_path });
  return bindings;
}

/** Adds `<script src=src>` to the page and resolves to the global it defines. */
function classicScriptGlobal(src, name) {
  return new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = src;
    script.onload = () => (typeof globalThis[name] === 'string' ? resolve(globalThis[name]) : reject(new Error(`${src} defines no ${name}`)));
    script.onerror = () => reject(new Error(`${src} could not be loaded`));
    document.head.append(script);
  });
}

function decodeBase64(text) {
  if (typeof Uint8Array.fromBase64 === 'function') return Uint8Array.fromBase64(text);
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
