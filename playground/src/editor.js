// The editor: CodeMirror 6 with the chart language's highlighting and the checker's
// diagnostics as squiggles.
//
// The highlighting knows no word of the language by itself: keywords() gives the words and
// their roles from the language's one table (crates/referflow-syntax/src/language.rs), so a
// new keyword is highlighted as soon as the table has it. What it knows is the shape of a
// line: `#` comments, "texts" with `\` escapes, `->`, numbers and durations (`24h`), ids.

import { defaultKeymap, history, historyKeymap } from '@codemirror/commands';
import { HighlightStyle, StreamLanguage, syntaxHighlighting } from '@codemirror/language';
import { lintGutter, setDiagnostics } from '@codemirror/lint';
import { highlightSelectionMatches, searchKeymap } from '@codemirror/search';
import { EditorSelection, EditorState } from '@codemirror/state';
import {
  EditorView,
  drawSelection,
  highlightActiveLine,
  highlightActiveLineGutter,
  highlightSpecialChars,
  keymap,
  lineNumbers,
} from '@codemirror/view';
import { tags as t } from '@lezer/highlight';

/** The highlighting tag of each role of keywords() (see `Role` in language.rs). */
const ROLE_TOKENS = {
  statement: 'keyword',
  stage: 'definitionKeyword',
  attribute: 'modifier',
  requirement: 'operatorKeyword',
  numbering: 'modifier',
  branch: 'bool',
};

/**
 * word → role, from keywords()'s JSON: its `roles` (`{"statement": ["title", …], …}`), or,
 * failing that, its `keywords` (`[{"word", "role"}, …]`).
 */
export function wordRoles(json) {
  const data = JSON.parse(json);
  const roles = new Map();
  for (const [role, words] of Object.entries(data.roles ?? {})) {
    for (const word of Array.isArray(words) ? words : []) roles.set(word, role);
  }
  if (roles.size === 0) {
    for (const k of Array.isArray(data.keywords) ? data.keywords : []) roles.set(k.word, k.role);
  }
  return roles;
}

const ID = /^[\p{L}_](?:[\p{L}\p{M}\p{N}_]|-(?!>))*/u;
const TEXT_FOLLOWS = /^\s*"/;

/** The chart language for CodeMirror, its keywords from `roles` (see wordRoles). */
export function chartLanguage(roles) {
  return StreamLanguage.define({
    name: 'referflow',
    // afterKeyword: the last token was a keyword (or a stage's number after one), so an id
    // followed by its text is what the line defines: `step screen "…"`, `actor mdt "…"`.
    startState: () => ({ afterKeyword: false }),
    copyState: (state) => ({ ...state }),
    token(stream, state) {
      if (stream.sol()) state.afterKeyword = false;
      if (stream.eatSpace()) return null;
      if (stream.match('#')) {
        stream.skipToEnd();
        return 'comment';
      }
      const after = state.afterKeyword;
      state.afterKeyword = false;
      if (stream.eat('"')) {
        while (!stream.eol()) {
          const c = stream.next();
          if (c === '\\') stream.next();
          else if (c === '"') break;
        }
        return 'string';
      }
      if (stream.match('->')) return 'operator';
      if (stream.match(/^\d+\p{L}+/u)) return 'unit';
      if (stream.match(/^\d+/)) {
        state.afterKeyword = after;
        return 'number';
      }
      const word = stream.match(ID);
      if (word) {
        const textFollows = stream.match(TEXT_FOLLOWS, false);
        const role = roles.get(word[0]);
        // `no "…"` in a block is Norwegian, not the branch: a word before a text is a language.
        if (role && !(role === 'branch' && textFollows)) {
          state.afterKeyword = true;
          return ROLE_TOKENS[role] ?? 'keyword';
        }
        if (textFollows) return after ? 'variableName.definition' : 'attributeName';
        return 'variableName';
      }
      if (stream.match(/^[{}]/)) return 'brace';
      stream.next();
      return 'punctuation';
    },
    languageData: { commentTokens: { line: '#' } },
  });
}

// Every colour at 4.5:1 or more against the white editor.
const chartHighlighting = HighlightStyle.define([
  { tag: t.keyword, color: '#7c2d92', fontWeight: '600' },
  { tag: t.definitionKeyword, color: '#1d4ed8', fontWeight: '600' },
  { tag: [t.modifier, t.operatorKeyword], color: '#9a3412' },
  { tag: t.bool, color: '#0f766e', fontWeight: '600' },
  { tag: t.string, color: '#166534' },
  { tag: t.comment, color: '#57606a', fontStyle: 'italic' },
  { tag: [t.number, t.unit], color: '#92400e' },
  { tag: t.definition(t.variableName), fontWeight: '700' },
  { tag: t.attributeName, color: '#0e7490' },
  { tag: t.operator, color: '#374151', fontWeight: '700' },
]);

/**
 * The editor in `parent`, holding `text`, named `label` for assistive technology;
 * `onChange()` runs after each edit of the text.
 */
export function createEditor({ parent, text, roles, onChange, label }) {
  return new EditorView({
    parent,
    state: EditorState.create({
      doc: text,
      extensions: [
        lineNumbers(),
        highlightActiveLineGutter(),
        highlightSpecialChars(),
        history(),
        drawSelection(),
        highlightActiveLine(),
        highlightSelectionMatches(),
        // Tab is not bound, so the keyboard can leave the editor (WCAG 2.1.2).
        keymap.of([...defaultKeymap, ...historyKeymap, ...searchKeymap]),
        chartLanguage(roles),
        syntaxHighlighting(chartHighlighting),
        lintGutter(),
        EditorView.lineWrapping,
        // tabindex: the text is focusable as any contenteditable is, said so that checkers
        // (axe's scrollable-region-focusable) see that the keyboard reaches the scrolled box.
        EditorView.contentAttributes.of({ 'aria-label': label, tabindex: '0' }),
        EditorView.updateListener.of((update) => {
          if (update.docChanged) onChange();
        }),
      ],
    }),
  });
}

/** Shows `diagnostics` (placed by placeDiagnostics) as the editor's squiggles. */
export function showDiagnostics(view, diagnostics) {
  const length = view.state.doc.length;
  view.dispatch(
    setDiagnostics(
      view.state,
      diagnostics.map((d) => ({
        from: Math.min(d.from, length),
        to: Math.min(d.to, length),
        severity: d.severity,
        source: `${d.code} ${d.name}`,
        message: d.help ? `${d.message}\nhelp: ${d.help}` : d.message,
        markClass: `rf-${d.code}`,
      })),
    ),
  );
}

/** Replaces the whole text (undoable). */
export function replaceText(view, text) {
  view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text }, selection: EditorSelection.cursor(0) });
}

/** Puts the cursor at `offset`, scrolls it into view and gives the editor the focus. */
export function goTo(view, offset) {
  const at = Math.min(offset, view.state.doc.length);
  view.dispatch({ selection: EditorSelection.cursor(at), effects: EditorView.scrollIntoView(at, { y: 'center' }) });
  view.focus();
}
