// The chart kept in the page's address, after `#`: `#c=` and the text compressed
// (deflate-raw) in base64url, and `&l=` the language shown. Nothing is sent anywhere: the
// fragment stays in the browser, and a link with it opens the same draft.

export async function encodeChart(text) {
  const compressed = await pipe(new TextEncoder().encode(text), new CompressionStream('deflate-raw'));
  return toBase64Url(compressed);
}

export async function decodeChart(encoded) {
  const bytes = fromBase64Url(encoded);
  const text = await pipe(bytes, new DecompressionStream('deflate-raw'));
  return new TextDecoder('utf-8', { fatal: true }).decode(text);
}

/** What the fragment holds: `{ chart, lang }`, each null when absent. */
export function readFragment(hash) {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  return { chart: params.get('c'), lang: params.get('l') };
}

export function writeFragment(encoded, lang) {
  const params = [`c=${encoded}`];
  if (lang) params.push(`l=${encodeURIComponent(lang)}`);
  const hash = `#${params.join('&')}`;
  if (location.hash === hash) return;
  try {
    history.replaceState(history.state, '', hash);
  } catch (_) {
    // A browser that refuses to rewrite a file URL's history still changes its fragment.
    location.replace(hash);
  }
}

async function pipe(bytes, transform) {
  const stream = new Blob([bytes]).stream().pipeThrough(transform);
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

function toBase64Url(bytes) {
  let base64;
  if (typeof bytes.toBase64 === 'function') {
    base64 = bytes.toBase64();
  } else {
    let binary = '';
    for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    base64 = btoa(binary);
  }
  return base64.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text) {
  const base64 = text.replace(/-/g, '+').replace(/_/g, '/');
  const binary = atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
