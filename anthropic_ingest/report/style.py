"""The page's styles, inlined into the HTML (system fonts only: nothing is fetched)."""

CSS = """
:root { --ink: #1f2933; --muted: #5f6b7a; --line: #e3e7ed; --bg: #f6f7f9; --accent: #4e79a7;
  --warn-bg: #fff7e6; --warn-line: #f0b429; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--ink);
  font: 14px/1.45 -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
.page { max-width: 1180px; margin: 0 auto; padding: 28px 28px 48px; }
header h1 { margin: 0 0 4px; font-size: 28px; }
.range { margin: 0; font-size: 18px; font-weight: 600; }
.range span, .meta { color: var(--muted); font-weight: 400; font-size: 13px; }
.meta { margin: 4px 0 10px; }
nav a { margin-right: 16px; color: var(--accent); text-decoration: none; font-weight: 600; }
code { font: 12px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
  background: #eef1f5; padding: 1px 4px; border-radius: 3px; }
h2 { font-size: 21px; margin: 34px 0 8px; padding-bottom: 4px;
  border-bottom: 2px solid var(--line); }
h3 { font-size: 14px; margin: 0 0 8px; }
.lead { font-size: 15px; margin: 6px 0 14px; max-width: 900px; }
.cards { display: grid; grid-template-columns: repeat(4, 1fr); gap: 12px; margin: 18px 0 14px; }
@media (max-width: 900px) { .cards { grid-template-columns: repeat(2, 1fr); } }
.card { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px; }
.card-value { font-size: 24px; font-weight: 700; }
.card-label { color: var(--muted); font-size: 13px; }
.card-note { color: var(--muted); font-size: 12px; margin-top: 2px; }
.cards.money { grid-template-columns: repeat(2, 1fr); margin-top: 0; }
.cards.money .card { border-left: 4px solid var(--accent); }
.cards.money .card + .card { border-left-color: #f28e2b; }
.cards.money .card-label { color: var(--ink); font-weight: 600; }
.cards.money .card-note { font-size: 13px; }
.lead .money { display: block; margin-top: 6px; padding-left: 10px;
  border-left: 4px solid var(--accent); }
.lead .money.estimate { border-left-color: #f28e2b; }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(460px, 1fr)); gap: 14px; }
.grid.three { grid-template-columns: repeat(auto-fit, minmax(300px, 1fr)); }
.panel { margin: 0 0 14px; background: #fff; border: 1px solid var(--line); border-radius: 8px;
  padding: 14px 16px; min-width: 0; overflow-x: auto; }
.caption, .note { color: var(--muted); font-size: 12px; margin: 6px 0 0; }
svg.chart { width: 100%; height: auto; display: block; }
svg .gridline { stroke: var(--line); stroke-width: 1; }
svg text { font-family: inherit; fill: var(--muted); }
svg .tick { font-size: 12px; }
svg .tick.year { font-weight: 600; }
svg .axis-title { font-size: 12px; font-weight: 600; }
svg .bar-label { font-size: 13px; fill: var(--ink); }
svg .bar-value { font-size: 12px; fill: var(--ink); font-weight: 600; }
.legend { display: flex; flex-wrap: wrap; gap: 4px 14px; font-size: 12px; margin-top: 6px; }
.legend i { display: inline-block; width: 10px; height: 10px; border-radius: 2px;
  margin-right: 5px; vertical-align: -1px; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th { text-align: left; color: var(--muted); font-weight: 600; border-bottom: 1px solid var(--line);
  padding: 5px 8px; white-space: nowrap; }
td { padding: 5px 8px; border-bottom: 1px solid #f0f2f5; }
tbody tr:nth-child(even) td { background: #fafbfc; }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.missing { background: var(--warn-bg); border: 1px solid var(--warn-line); border-radius: 8px;
  padding: 4px 18px 10px; margin: 18px 0; }
.missing h2 { border: 0; margin: 10px 0 4px; font-size: 17px; }
.missing li { margin: 3px 0; }
.unavailable { background: var(--warn-bg); border: 1px dashed var(--warn-line);
  border-radius: 8px; padding: 10px 14px; margin: 0 0 14px; }
footer { margin-top: 36px; color: var(--muted); font-size: 13px; }
footer h2 { font-size: 16px; color: var(--ink); }
@media print { body { background: #fff; } .panel, .card { break-inside: avoid; }
  nav { display: none; } }
"""
