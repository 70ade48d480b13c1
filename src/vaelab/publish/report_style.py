"""The report page's inline stylesheet and the script of its "open all provenance" button."""

CSS = """
:root { --ink:#1f2328; --muted:#59636e; --line:#d8dee4; --soft:#f6f8fa; --accent:#0b5cad; }
* { box-sizing: border-box; }
body { margin:0; color:var(--ink); background:#fff; font:16px/1.6 -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; }
main { max-width:1000px; margin:0 auto; padding:2rem 1.5rem 4rem; }
header.title { border-bottom:3px solid var(--accent); margin-bottom:1.5rem; }
h1 { font-size:2rem; margin:0 0 .3rem; line-height:1.2; }
h2 { font-size:1.5rem; margin:3rem 0 1rem; padding-bottom:.3rem; border-bottom:1px solid var(--line); }
h3 { font-size:1.15rem; margin:1.8rem 0 .6rem; }
a { color:var(--accent); }
code { font:0.86em/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background:var(--soft); padding:.1em .3em; border-radius:4px; word-break:break-all; }
code.cmd { display:inline-block; padding:.3em .5em; }
.meta { color:var(--muted); margin:.2rem 0 1rem; }
.notice { background:#fff8e1; border:1px solid #f0c36d; border-radius:6px; padding:.6rem .9rem; margin:1rem 0; }
nav.toc { background:var(--soft); border:1px solid var(--line); border-radius:8px; padding:.8rem 1.2rem; }
nav.toc h2 { margin:0 0 .4rem; border:0; font-size:1.1rem; }
nav.toc ol { margin:0; padding-left:1.4rem; }
nav.toc ul.figs { list-style:none; padding-left:.8rem; margin:.1rem 0 .3rem; font-size:.9em; }
.toggle { float:right; font:inherit; font-size:.85rem; padding:.2rem .6rem; border:1px solid var(--line); border-radius:6px; background:#fff; cursor:pointer; }
figure.figure { margin:2rem 0 2.5rem; }
figure .frame { text-align:center; }
figure img { max-width:100%; height:auto; border:1px solid var(--line); border-radius:6px; background:#fff; }
figcaption { margin-top:.6rem; }
figcaption p { margin:.3rem 0; }
.label { font-weight:700; }
.figname { color:var(--muted); font-size:.85em; font-family:ui-monospace, Menlo, Consolas, monospace; margin-left:.3em; }
details.provenance { margin-top:.7rem; background:var(--soft); border:1px solid var(--line); border-radius:6px; padding:.4rem .8rem; font-size:.85rem; }
details.provenance > summary { cursor:pointer; color:var(--muted); }
details.provenance[open] > summary { margin-bottom:.3rem; }
table.prov { border-collapse:collapse; width:100%; margin:.4rem 0; }
table.prov th { text-align:left; vertical-align:top; width:7.5rem; padding:.25rem .6rem .25rem 0; color:var(--muted); font-weight:600; }
table.prov td { padding:.25rem 0; vertical-align:top; }
ul.inputs { margin:.2rem 0; padding-left:1.1rem; }
.sha256 { font-family:ui-monospace, Menlo, Consolas, monospace; font-size:.85em; color:var(--muted); word-break:break-all; }
.role { font-weight:600; }
.warn { color:#9a6700; font-weight:600; }
.scroll { overflow-x:auto; margin:.8rem 0; }
.rulegraph { border:1px solid var(--line); border-radius:6px; background:#fff; }
.rulegraph img { max-width:none; width:1500px; display:block; }
table.data, table.claims { border-collapse:collapse; width:100%; font-size:.92rem; }
table.data th, table.data td, table.claims th, table.claims td { border-bottom:1px solid var(--line); padding:.35rem .6rem; text-align:left; vertical-align:top; }
table.data thead th, table.claims thead th { background:var(--soft); border-bottom:2px solid var(--line); }
table.data tbody tr:nth-child(even) { background:#fbfcfd; }
table.data td { font-variant-numeric:tabular-nums; }
.rule { color:var(--muted); font-size:.85em; margin-top:.25rem; }
.badge { display:inline-block; padding:.1em .55em; border-radius:1em; font-size:.82em; font-weight:700; white-space:nowrap; }
.badge.holds { background:#dafbe1; color:#116329; }
.badge.fails { background:#ffebe9; color:#a40e26; }
.badge.skipped { background:#eaeef2; color:#59636e; }
.missing { color:#a40e26; }
dl.steps dt { font-weight:600; margin-top:.6rem; }
dl.steps dd { margin:.2rem 0 0 0; }
footer { margin-top:3rem; color:var(--muted); font-size:.85rem; border-top:1px solid var(--line); padding-top:.8rem; }
@media print { details.provenance { break-inside:avoid; } nav.toc { display:none; } }
"""


TOGGLE = '<button class="toggle" id="toggle-provenance" type="button" hidden>Open all provenance</button>'
TOGGLE_SCRIPT = """<script>
(function () {  // one button opens or closes every provenance block; without scripts each opens on its own
  var b = document.getElementById("toggle-provenance"), open = false;
  b.hidden = false;
  b.addEventListener("click", function () {
    open = !open;
    document.querySelectorAll("details.provenance").forEach(function (d) { d.open = open; });
    b.textContent = open ? "Close all provenance" : "Open all provenance";
  });
})();
</script>"""
