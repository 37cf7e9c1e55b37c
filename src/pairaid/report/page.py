"""The report page: one self-contained HTML file (styles, Vega scripts and chart specs inlined).

Each chart appears twice in the file on purpose: as a static SVG (so it shows when scripts are
off, in print and in the PDF) and as its Vega-Lite spec, which the inlined Vega runtime turns
into the interactive chart (tooltips) when the page opens."""

from __future__ import annotations

import json

from jinja2 import Environment

from pairaid.report.text import word

_CSS = """
:root { --ink:#1d1d1f; --muted:#5a5a5a; --line:#d9d9d9; --warn:#7a4d00; --warnbg:#fff3d6; }
* { box-sizing: border-box; }
body { margin:0; font:16px/1.55 "Noto Sans", "Noto Sans CJK SC", "Liberation Sans", Arial,
       sans-serif; color:var(--ink); background:#fff; }
main { max-width: 62rem; margin: 0 auto; padding: 0 1rem 3rem; }
header.top h1 { font-size: 1.8rem; margin: 1.2rem 0 .3rem; }
.meta { color: var(--muted); font-size: .9rem; }
.banner { position: sticky; top: 0; z-index: 10; background: var(--warnbg); color: var(--warn);
          border-bottom: 2px solid #e0b04d; padding: .5rem 1rem; font-weight: 600;
          font-size: .92rem; }
nav ol { columns: 2; padding-left: 1.2rem; font-size: .95rem; }
section { border-top: 1px solid var(--line); padding-top: .6rem; margin-top: 1.6rem; }
section h2 { font-size: 1.35rem; margin: .4rem 0 .5rem; }
p.reading { max-width: 48rem; }
figure { margin: 1rem 0 1.4rem; }
figure .chart { max-width: 100%; overflow-x: auto; }
figure .chart svg { max-width: 100%; height: auto; }
figcaption { color: var(--muted); font-size: .85rem; }
figcaption a { color: inherit; }
table { border-collapse: collapse; width: 100%; font-size: .9rem; margin: .6rem 0 1rem; }
th, td { border-bottom: 1px solid var(--line); padding: .35rem .4rem; text-align: left;
         vertical-align: top; }
#table-headline td:nth-child(3) { white-space: nowrap; }
td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
caption { caption-side: bottom; text-align: left; color: var(--muted); font-size: .85rem; }
.table-wrap { overflow-x: auto; }
ul.notes { color: var(--warn); }
footer { color: var(--muted); font-size: .8rem; border-top: 1px solid var(--line);
         margin-top: 2rem; padding-top: .6rem; }
ol.cards { list-style: none; padding: 0; display: grid; gap: .8rem;
           grid-template-columns: repeat(auto-fill, minmax(17rem, 1fr)); }
li.card { border: 1px solid var(--line); border-left: 4px solid #3b6ea5; border-radius: 4px;
          padding: .6rem .8rem; }
li.card h3 { font-size: .8rem; text-transform: uppercase; letter-spacing: .04em;
             color: var(--muted); margin: 0 0 .2rem; }
li.card .message { font-weight: 600; font-size: 1.05rem; margin: 0 0 .3rem; }
li.card .figure { margin: 0 0 .3rem; font-size: .92rem; }
li.card .word { display: inline-block; font-size: .8rem; font-weight: 600; padding: .05rem .4rem;
                border-radius: 3px; background: #eef3f8; }
li.card[data-verdict="flagged"] .word, li.card[data-verdict="falls"] .word,
li.card[data-verdict="coupled"] .word { background: var(--warnbg); color: var(--warn); }
li.card a { font-size: .85rem; }
ul.notes li { margin-bottom: .3rem; }
@media (max-width: 40rem) { nav ol { columns: 1; } body { font-size: 15px; }
  header.top h1 { font-size: 1.35rem; }
  ol.cards { grid-template-columns: 1fr; }
  main { padding: 0 .5rem 3rem; }
  /* phones: tables fit the screen (cells wrap) instead of running off its edge */
  table { table-layout: fixed; font-size: .8rem; }
  th, td { overflow-wrap: anywhere; padding: .3rem .25rem; }
  td.num, #table-headline td:nth-child(3) { white-space: normal; } }
/* phones: a table of more than three columns (or of prose) is read row by row, each row a
   block of "column: value" lines (the headline's seven columns squeezed into 390 px broke words
   letter by letter); the first cell heads its row, empty cells are left out */
@media screen and (max-width: 40rem) {
  .stacks table, .stacks tbody, .stacks tr, .stacks td { display: block; width: 100%; }
  .stacks table { table-layout: auto; font-size: .9rem; }
  .stacks thead { position: absolute; width: 1px; height: 1px; overflow: hidden;
                  clip-path: inset(50%); }
  .stacks tr { border-bottom: 2px solid var(--line); padding: .4rem 0; }
  .stacks td { display: grid; grid-template-columns: minmax(6.5rem, 38%) minmax(0, 1fr);
               gap: .6rem; border: none; padding: .12rem 0; text-align: left;
               white-space: normal; overflow-wrap: anywhere; }
  .stacks td::before { content: attr(data-label); color: var(--muted); font-size: .85rem; }
  .stacks td:first-child { display: block; font-weight: 600; }
  .stacks td:first-child::before { content: none; }
  .stacks td:empty, .stacks td.blank { display: none; }
  .stacks caption { display: block; } }
@page { size: A4; margin: 22mm 14mm 16mm 14mm; }
@media print {
  /* in print the banner moves into the top margin of every page (@page margin box below) */
  .banner { display: none; }
  body { font-size: 10.5pt; }
  main { max-width: none; padding: 0; }
  nav, .no-print { display: none; }
  /* the verdict is page 1; the sections then flow on (a forced page per section left pages
     almost empty, issue 10); a heading stays with what follows it */
  section { border-top: none; }
  section#verdict { break-after: page; }
  h2, p.reading { break-after: avoid; }
  ol.cards { grid-template-columns: 1fr 1fr; }
  li.card { break-inside: avoid; }
  /* a long table may run on to the next page (rows whole, header repeated) rather than
     leave a page nearly empty */
  figure, tr { break-inside: avoid; }
  thead { display: table-header-group; }
  /* tables fit the page width (a scroll box would cut their last columns off) in a smaller
     type, and no chart takes more than about half a page (a full-page chart left the reading
     before it alone on a page): 31 pages with one 7 % full became 26, the emptiest 32 % */
  .table-wrap { overflow: visible; }
  table { font-size: 8.5pt; }
  th, td { padding: .2rem .3rem; }
  #table-headline td:nth-child(3) { white-space: normal; }
  figure .chart svg { max-height: 120mm; width: auto; }
  .vega-embed summary { display: none; }
}
"""

_TEMPLATE = """<!DOCTYPE html>
<html lang="{{ 'zh-CN' if lang == 'zh' else 'en' }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="pairaid {{ version }}">
<title>{{ title }}</title>
<style>{{ css | safe }}
{% if synthetic %}@page { @top-center { content: {{ banner_css | safe }}; font: 600 8pt sans-serif;
  color: #7a4d00; background: #fff3d6; border-bottom: 1.5pt solid #e0b04d; padding: 0 3mm; } }{% endif %}
@page { @bottom-right { content: counter(page) " / " counter(pages); font: 8pt sans-serif;
  color: #5a5a5a; } }</style>
</head>
<body>
{% macro para(p) %}<p class="reading"{% if p.key %} data-finding="{{ p.key }}" data-verdict="{{ p.verdict }}"{% endif %}>{{ p.text }}</p>{% endmacro %}
{% if synthetic %}<div class="banner" role="note" id="synthetic-banner">{{ banner }}</div>{% endif %}
<main>
<header class="top">
<h1>{{ title }}</h1>
<p class="meta">{{ subtitle }}</p>
</header>
{% for s in sections %}{% if loop.index0 == (1 if sections[0].cards else 0) %}
<nav aria-label="{{ words.contents }}"><h2>{{ words.contents }}</h2><ol>
{% for t in sections %}<li><a href="#{{ t.id }}">{{ t.title }}</a></li>
{% endfor %}</ol></nav>{% endif %}
<section id="{{ s.id }}" aria-labelledby="h-{{ s.id }}">
<h2 id="h-{{ s.id }}">{{ s.title }}</h2>
{% if s.cards %}<ol class="cards">{% for section_id, card in s.cards %}{% set c = cards[loop.index0] %}
<li class="card" data-finding="{{ card.key }}" data-verdict="{{ card.verdict }}"><h3>{{ c.name }}</h3>
<p class="message">{{ c.message }}</p><p class="figure">{{ c.figure }}</p>
<p>{% if c.word %}<span class="word">{{ c.word }}</span> · {% endif %}<a href="#{{ section_id }}">{{ words.see_section }}</a></p></li>
{% endfor %}</ol>{% endif %}
{% for p in s.reading %}{{ para(p) }}
{% endfor %}
{% for c in s.charts %}{% for p in c.reading %}{{ para(p) }}
{% endfor %}<figure id="figure-{{ c.id }}">
<div class="chart" id="chart-{{ c.id }}" role="img" aria-label="{{ charts[c.id].description }}">{{ charts[c.id].svg | safe }}</div>
<figcaption>{{ charts[c.id].description }} · <a href="data/{{ c.id }}.csv">{{ words.data_behind }}</a> · <a href="charts/{{ c.id }}.svg">{{ words.chart_image }}</a></figcaption>
</figure>
{% endfor %}
{% for t in s.tables %}<div class="table-wrap{% if t.header | length > 3 or t.stack %} stacks{% endif %}"><table id="table-{{ t.id }}">
{% if t.caption %}<caption>{{ t.caption }} · <a href="data/table_{{ t.id }}.csv">CSV</a></caption>{% else %}<caption><a href="data/table_{{ t.id }}.csv">CSV</a></caption>{% endif %}
<thead><tr>{% for h in t.header %}<th scope="col">{{ h }}</th>{% endfor %}</tr></thead>
<tbody>{% for row in t.rows %}<tr>{% for text, raw in row %}{% set head = t.header[loop.index0] %}{% if raw is none %}<td data-label="{{ head }}">{{ text }}</td>{% else %}<td class="num" data-value="{{ raw }}" data-label="{{ head }}">{{ text }}</td>{% endif %}{% endfor %}</tr>
{% endfor %}</tbody></table></div>
{% endfor %}
{% if s.notes %}<p><strong>{{ words.design_warnings }}</strong></p><ul class="notes">{% for n in s.notes %}<li class="reading" data-finding="{{ n.key }}" data-verdict="{{ n.verdict }}">{{ n.text }}</li>{% endfor %}</ul>{% endif %}
</section>
{% endfor %}
<footer>{{ words.generated }} {{ generated }} · pairaid {{ version }} · {{ words.ledger_hash }} <code>{{ ledger_hash[:16] }}</code> · provenance.json</footer>
</main>
<script type="module">{{ vega | safe }}</script>
<script type="application/json" id="chart-specs">{{ specs | safe }}</script>
<script type="application/json" id="chart-specs-narrow">{{ narrow_specs | safe }}</script>
<script type="module">
/* phones (<= 600 px) get each chart re-drawn for their width (narrow spec: smaller plot,
   legends below, larger text), not the page chart shrunk; re-drawn when the width crosses */
const phone = window.matchMedia("(max-width: 600px)");
async function drawAll() {
  const which = phone.matches ? "chart-specs-narrow" : "chart-specs";
  const specs = JSON.parse(document.getElementById(which).textContent);
  window.pairaidCharts = {drawn: 0, failed: [], narrow: phone.matches};
  for (const [id, spec] of Object.entries(specs)) {
    const el = document.getElementById("chart-" + id);
    try {
      await window.vegaEmbed(el, spec, {actions: false, renderer: "svg"});
      window.pairaidCharts.drawn += 1;
    } catch (error) {
      window.pairaidCharts.failed.push(id + ": " + error);
      console.error("chart " + id + " failed: " + error);
    }
  }
  document.documentElement.dataset.chartsReady = "true";
}
await drawAll();
phone.addEventListener("change", () => drawAll());
</script>
</body>
</html>
"""


def render_page(*, sections, charts: dict, lang: str, title: str, subtitle: str,
                synthetic: bool, banner: str, vega: str, generated: str, version: str,
                ledger_hash: str) -> str:
    """The HTML text. `charts` maps chart id → {"svg", "spec", "description"}."""
    env = Environment(autoescape=True, trim_blocks=False)
    from pairaid.readings import card

    words = {k: word(k, lang) for k in ("contents", "data_behind", "chart_image", "generated",
                                        "ledger_hash", "see_section", "design_warnings")}
    cards = [dict(zip(("message", "figure", "word", "name"), card(f, lang)))
             for s in sections for _, f in s.cards]
    # "</" would end the <script> element early; JSON allows the escaped form
    specs = json.dumps({cid: c["spec"] for cid, c in charts.items()},
                       ensure_ascii=False).replace("</", "<\\/")
    narrow_specs = json.dumps({cid: c.get("narrow_spec", c["spec"]) for cid, c in charts.items()},
                              ensure_ascii=False).replace("</", "<\\/")
    return env.from_string(_TEMPLATE).render(
        lang=lang, title=title, subtitle=subtitle, css=_CSS, synthetic=synthetic, banner=banner,
        banner_css=json.dumps(banner, ensure_ascii=False).replace("<", "\\3c "),
        sections=sections, charts=charts, words=words, cards=cards,
        vega=vega.replace("</script", "<\\/script"), specs=specs, narrow_specs=narrow_specs,
        generated=generated, version=version, ledger_hash=ledger_hash)
