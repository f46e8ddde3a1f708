"""How the live quiz looks in JupyterLab, Notebook 7 and VS Code: ipywidgets draws each
option on one fixed-height line (long options overlap or end in "…") and cuts labels at a
fixed width, so the quiz brings a style sheet, scoped to its own class, that lets every
option and label wrap whole. Colours come from the Jupyter theme's variables (light and
dark); verdicts are said in words and symbols, as in the book's quiz."""

from __future__ import annotations

QUIZ_CLASS = "cehq"

CSS = """
.cehq { max-width: 100%; }
.cehq .widget-html-content { line-height: 1.5; white-space: normal; overflow-wrap: anywhere; }
.cehq .widget-html-content p { margin: 0.4em 0; }
.cehq-question { border: 1px solid var(--jp-border-color2, #ccc); border-radius: 0.4em;
  padding: 0.5em 0.9em 0.8em; margin: 0.6em 0; }
/* One option per row; its words wrap beside its control, never under the next option. */
.cehq .widget-radio, .cehq .widget-radio-box { height: auto; width: auto; }
.cehq .widget-radio-box label { display: flex; align-items: flex-start; gap: 0.5em; height: auto;
  line-height: 1.4; white-space: normal; overflow-wrap: anywhere; padding: 0.25em 0; }
.cehq .widget-radio-box input { order: -1; float: none; flex: none; height: 1.4em; margin: 0 0 0 1px; }
.cehq .widget-checkbox { width: auto; height: auto; line-height: 1.4; }
.cehq .widget-checkbox .widget-label-basic { display: flex; align-items: flex-start; gap: 0.5em;
  white-space: normal; overflow: visible; line-height: 1.4; padding: 0.25em 0; }
.cehq .widget-checkbox .widget-label-basic span { white-space: normal; overflow-wrap: anywhere; }
.cehq .widget-checkbox input[type="checkbox"] { flex: none; align-self: flex-start; height: 1.4em;
  margin: 0; font-size: inherit; }
/* Labels of number boxes and step menus are shown whole. */
.cehq .widget-text .widget-label, .cehq .widget-dropdown .widget-label { width: auto; max-width: none;
  overflow: visible; text-overflow: clip; padding-right: 0.5em; }
.cehq .widget-text { width: auto; }
.cehq .widget-text input { width: 10em; flex: none; }
.cehq-feedback { margin-top: 0.5em; padding: 0.4em 0.9em; border-left: 0.35em solid var(--jp-border-color1, #999);
  background: var(--jp-layout-color2, #f5f5f5); }
.cehq-feedback.is-correct { border-left-color: var(--jp-success-color1, #2e7d32); }
.cehq-feedback.is-incorrect { border-left-color: var(--jp-error-color1, #c62828); }
.cehq-feedback.is-correct .vignette-verdict::before { content: "\\2713  "; }
.cehq-feedback.is-incorrect .vignette-verdict::before { content: "\\2717  "; }
.cehq-feedback p, .cehq-feedback ul { margin: 0.35em 0; }
.cehq-summary { margin-top: 1em; padding: 0.6em 1em; border: 1px solid var(--jp-border-color2, #ccc);
  border-left: 0.35em solid var(--jp-brand-color1, #0b5563); background: var(--jp-layout-color2, #f5f5f5); }
.cehq-summary h3 { margin-top: 0.2em; }
"""
