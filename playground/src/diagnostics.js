// The checker's diagnostics (the JSON of `referflow check --format json`, docs/ci.md) placed
// in the editor's text.
//
// A span counts bytes of UTF-8 and the editor counts UTF-16 code units; one walk over the text
// turns the one into the other. The checker received the same text (wasm-bindgen encodes it
// with TextEncoder, which writes a lone surrogate as U+FFFD: three bytes, as counted here).

/**
 * The diagnostics of `json` (check()'s output) for `text`, each with `from` and `to` as
 * offsets into `text`, in the order the checker gave them (source order).
 */
export function placeDiagnostics(text, json) {
  const report = JSON.parse(json);
  const raw = Array.isArray(report.diagnostics)
    ? report.diagnostics
    : (report.files ?? []).flatMap((file) => file.diagnostics ?? []);
  const offsets = [];
  for (const d of raw) {
    if (d.span) offsets.push(d.span.start, d.span.end);
  }
  const at = utf16Offsets(text, offsets);
  const lines = lineStarts(text);
  return raw.map((d) => {
    const line = d.span?.line ?? d.line ?? 1;
    const column = d.span?.column ?? d.column ?? 1;
    let from;
    let to;
    if (d.span) {
      from = at.get(d.span.start);
      to = at.get(d.span.end);
    } else {
      from = fromLineColumn(text, lines, line, column);
      to = d.end_line ? fromLineColumn(text, lines, d.end_line, d.end_column ?? 1) : from;
    }
    return {
      from,
      to: Math.max(from, to),
      line,
      column,
      code: d.code,
      name: d.name,
      severity: d.severity === 'error' ? 'error' : 'warning',
      message: d.message,
      help: d.help ?? null,
    };
  });
}

/** Byte offset → UTF-16 offset, for each of `offsets`. */
export function utf16Offsets(text, offsets) {
  const wanted = [...new Set(offsets)].sort((a, b) => a - b);
  const out = new Map();
  let byte = 0;
  let unit = 0;
  let k = 0;
  while (k < wanted.length) {
    while (k < wanted.length && wanted[k] <= byte) out.set(wanted[k++], unit);
    if (unit >= text.length) break;
    const c = text.codePointAt(unit);
    byte += c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
    unit += c >= 0x10000 ? 2 : 1;
  }
  for (; k < wanted.length; k += 1) out.set(wanted[k], text.length);
  return out;
}

function lineStarts(text) {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** A 1-based line and column (counted in Unicode scalar values) as a UTF-16 offset. */
function fromLineColumn(text, lines, line, column) {
  let unit = lines[Math.min(Math.max(line, 1), lines.length) - 1];
  for (let c = 1; c < column && unit < text.length && text[unit] !== '\n'; c += 1) {
    unit += text.codePointAt(unit) >= 0x10000 ? 2 : 1;
  }
  return unit;
}
