// The Python code editor of Python nodes: CodeMirror 6, bundled by app/build/vendor.mjs (esbuild)
// into public/vendor/codemirror.js at build time and imported by the page when an editor opens.
import { EditorView, basicSetup } from "codemirror";
import { python } from "@codemirror/lang-python";
import { StateEffect, StateField } from "@codemirror/state";
import { Decoration, keymap } from "@codemirror/view";

const setErrorLine = StateEffect.define();
const errorLine = StateField.define({
  create: () => Decoration.none,
  update(deco, tr) {
    deco = deco.map(tr.changes);
    for (const e of tr.effects) {
      if (!e.is(setErrorLine)) continue;
      if (!e.value || e.value > tr.state.doc.lines) return Decoration.none;
      const line = tr.state.doc.line(e.value);
      deco = Decoration.set([Decoration.line({ attributes: { class: "cm-error-line" } }).range(line.from)]);
    }
    return deco;
  },
  provide: (f) => EditorView.decorations.from(f),
});

const theme = EditorView.theme(
  {
    "&": { height: "100%", fontSize: "13px", backgroundColor: "#14161b", color: "#e6e8ee" },
    ".cm-content": { fontFamily: "ui-monospace, Menlo, Consolas, monospace", caretColor: "#fff" },
    ".cm-gutters": { backgroundColor: "#1c1f26", color: "#6b7280", border: "none" },
    ".cm-activeLine": { backgroundColor: "#ffffff0a" },
    ".cm-activeLineGutter": { backgroundColor: "#ffffff10" },
    ".cm-error-line": { backgroundColor: "#ff5c6c33" },
    "&.cm-focused .cm-cursor": { borderLeftColor: "#fff" },
    "&.cm-focused .cm-selectionBackground, ::selection": { backgroundColor: "#7b61ff55" },
  },
  { dark: true },
);

/** An editor in `parent` holding `doc`; Ctrl/⌘+S calls `onSave`. */
export function create(parent, doc, onSave) {
  return new EditorView({
    doc,
    parent,
    extensions: [keymap.of([{ key: "Mod-s", preventDefault: true, run: () => (onSave(), true) }]), basicSetup, python(), errorLine, theme],
  });
}

export const text = (view) => view.state.doc.toString();

/** Highlights line `n` (1-based); 0 clears. */
export function markError(view, n) {
  view.dispatch({ effects: setErrorLine.of(n) });
  if (n > 0 && n <= view.state.doc.lines) view.dispatch({ selection: { anchor: view.state.doc.line(n).from }, scrollIntoView: true });
}

export const focus = (view) => view.focus();
export const destroy = (view) => view.destroy();
