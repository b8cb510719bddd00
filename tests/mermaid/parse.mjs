// Parses Mermaid diagrams with the real Mermaid parser (in jsdom) and prints what it understood.
// Used by tests/it/mermaid_output.rs, which copies this folder into target/ and runs `npm ci`
// there (node_modules is never committed).
//
// Usage: node parse.mjs < diagrams.json
// Input: a JSON array of diagram texts. Output: one JSON array, one object per diagram:
// {"ok":true,"type":...,"vertices":[{id,text,type}],"edges":[{start,end,text}],
//  "subgraphs":[{id,title,nodes}]} or {"ok":false,"error":...}.
// One process parses every diagram, because starting jsdom and Mermaid takes most of a second.
// Mermaid keeps entities such as #quot; encoded internally until it renders, so texts show them
// in its internal escaped form (ﬂ°quot¶ß, ﬂ°°35¶ß).
import fs from 'fs';
import { JSDOM } from 'jsdom';

const dom = new JSDOM('<!DOCTYPE html><body></body>');
globalThis.window = dom.window;
globalThis.document = dom.window.document;
globalThis.DOMParser = dom.window.DOMParser;
const { default: mermaid } = await import('mermaid');

async function parseOne(text) {
  try {
    const parsed = await mermaid.parse(text);
    const diagram = await mermaid.mermaidAPI.getDiagramFromText(text);
    const db = diagram.db;
    const v = db.getVertices ? db.getVertices() : new Map();
    const vertices = (v instanceof Map ? [...v.values()] : Object.values(v)).map(x => ({ id: x.id, text: x.text, type: x.type }));
    const edges = (db.getEdges ? db.getEdges() : []).map(x => ({ start: x.start, end: x.end, text: x.text }));
    const subgraphs = (db.getSubGraphs ? db.getSubGraphs() : []).map(s => ({ id: s.id, title: s.title, nodes: s.nodes }));
    const accTitle = db.getAccTitle ? db.getAccTitle() : '';
    return { ok: true, type: parsed.diagramType, accTitle, vertices, edges, subgraphs };
  } catch (err) {
    return { ok: false, error: String(err.message || err).slice(0, 1000) };
  }
}

const diagrams = JSON.parse(fs.readFileSync(0, 'utf8'));
const results = [];
for (const text of diagrams) {
  results.push(await parseOne(text));
}
console.log(JSON.stringify(results));
