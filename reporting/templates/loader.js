/* C5 Realignment reports: draw the interactive charts.
   plotly.js bundles and the figure data ship gzip-compressed and base64-encoded; the browser's
   DecompressionStream unpacks them (no network, no eval of data: figures are JSON.parse'd).
   Each chart is drawn when it comes into view, at the width it has then; until then, and
   wherever scripts do not run or the page is printed, its static image shows. */
(() => {
  "use strict";
  const charts = [...document.querySelectorAll("figure.c5-chart")];
  if (!charts.length || !("DecompressionStream" in window) || !("IntersectionObserver" in window)) return;

  const unpack = async (element) => {
    const bytes = Uint8Array.from(atob(element.textContent.trim()), (c) => c.charCodeAt(0));
    const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    return new Response(stream).text();
  };

  /* Each bundle defines window.Plotly when run; keep every bundle's instance by name. */
  const loadBundles = async () => {
    const instances = {};
    for (const element of document.querySelectorAll("script.c5-plotly")) {
      const script = document.createElement("script");
      script.textContent = await unpack(element);
      document.head.appendChild(script);
      instances[element.dataset.bundle] = window.Plotly;
    }
    return instances;
  };

  /* plotly's toolbar buttons are <a> elements without href: make them keyboard buttons. */
  const keyboardToolbar = (div) => {
    for (const button of div.querySelectorAll(".modebar-btn")) {
      button.setAttribute("role", "button");
      button.setAttribute("tabindex", "0");
      button.setAttribute("aria-label", button.getAttribute("data-title") || "Chart tool");
      button.addEventListener("keydown", (event) => {
        if (event.key === "Enter" || event.key === " ") {
          event.preventDefault();
          button.dispatchEvent(new MouseEvent("click", { bubbles: true }));
        }
      });
    }
  };

  /* A note under the live chart, before the CSV link, as text (never markup); print hides it. */
  const addNote = (chart, text, className) => {
    const caption = chart.querySelector(".c5-chart-notes");
    if (!text || !caption || caption.querySelector("." + className)) return;
    const note = document.createElement("p");
    note.className = "c5-chart-note " + className;
    note.textContent = text;
    caption.insertBefore(note, caption.querySelector(".c5-chart-data"));
  };

  /* A hint that only works on the live chart ("double-click ...") travels in layout.meta, not in the
     picture: it shows under the chart once the chart is drawn. */
  const showHint = (chart, meta) => {
    addNote(chart, meta && typeof meta.c5Hint === "string" ? meta.c5Hint : "", "c5-chart-hint");
  };

  /* On a phone (up to PHONE px) a grid of several columns stacks its panels in one column: the layout
     computed once in Python (helpers/figures/grid.py, layout.meta.c5Narrow; reporting/images.py draws
     the phone picture with it). Applied here as there: plot height, axes and panel titles by name; a
     legend under the plot keeps its distance in pixels. */
  const PHONE = 600;
  const plotHeight = (layout) => layout.height - ((layout.margin || {}).t || 0) - ((layout.margin || {}).b || 0);
  /* The legend's y: the layout's own, else its template's (as plotly reads it). */
  const legendY = (layout) => {
    const own = layout.legend && layout.legend.y;
    const template = layout.template && layout.template.layout && layout.template.layout.legend;
    return typeof own === "number" ? own : template && template.y;
  };
  const narrow = (layout) => {
    const spec = layout.meta && layout.meta.c5Narrow;
    if (!spec) return layout;
    const out = { ...layout, height: layout.height - plotHeight(layout) + spec.plotHeight };
    const y = legendY(layout);
    if (typeof y === "number" && y < 0) out.legend = { ...layout.legend, y: (y * plotHeight(layout)) / spec.plotHeight };
    for (const [name, changes] of Object.entries(spec.axes || {})) out[name] = { ...(layout[name] || {}), ...changes };
    const titles = spec.annotations || {};
    out.annotations = (layout.annotations || []).map((note) => (titles[note.name] ? { ...note, ...titles[note.name] } : note));
    return out;
  };

  /* A grid still of several columns on a phone: the event labels at its panels' tops (annotations
     named "event") would run into the next panel. Their rules stay; their words go under the chart. */
  const forWidth = (chart, layout) => {
    if (chart.clientWidth > PHONE) return layout;
    if (layout.meta && layout.meta.c5Narrow) return narrow(layout);
    const panels = Object.keys(layout).filter((key) => /^xaxis\d*$/.test(key)).length;
    const notes = layout.annotations || [];
    if (panels < 2 || !notes.some((note) => note.name === "event")) return layout;
    const labels = [...new Set(notes.filter((note) => note.name === "event" && note.text).map((note) => note.text))];
    addNote(chart, labels.length ? "Grey rules: " + labels.join("; ") + "." : "", "c5-chart-events");
    return { ...layout, annotations: notes.map((note) => (note.name === "event" ? { ...note, text: "" } : note)) };
  };

  /* A legend under the plot: when it needs more rows than the bottom margin holds (a narrow screen),
     plotly takes the room from the plot and a legend placed in plot heights rides up into the axis
     title. So the chart grows instead (the plot keeps its height), and a legend still on the tick
     labels or the axis title moves under them (reporting/images.py fit_legend does the same for the
     pictures, before drawing; it cannot measure). */
  const LEGEND_CLEAR = 6;
  const fitLegend = async (div, plotly, layout) => {
    const size = div._fullLayout && div._fullLayout._size, legend = div.querySelector("g.legend");
    const y = legendY(layout);
    if (!size || !legend || typeof y !== "number" || y >= 0) return;
    const wanted = plotHeight(layout);
    const grow = size.h < wanted - 1 ? Math.ceil(wanted - size.h) : 0;
    const axisText = [...div.querySelectorAll(".xtick text, .infolayer g[class^='g-x'] text")];
    const under = Math.max(0, ...axisText.map((e) => e.getBoundingClientRect().bottom));
    const lower = Math.max(0, Math.ceil(under + LEGEND_CLEAR - legend.getBoundingClientRect().top));
    if (!grow && !lower) return;
    await plotly.relayout(div, {
      height: layout.height + grow + lower,
      "margin.b": ((layout.margin || {}).b || 0) + lower,
      "legend.y": y - lower / wanted,
    });
  };

  const start = async () => {
    const [instances, text] = await Promise.all([loadBundles(), unpack(document.getElementById("c5-figures"))]);
    const payload = JSON.parse(text);
    const draw = async (chart) => {
      const div = chart.querySelector(".c5-figure");
      const figure = payload.figures[div.id];
      const plotly = figure && instances[figure.bundle];
      if (!plotly) return;
      const data = figure.data.map((trace) =>
        trace.geojson && trace.geojson.c5Shared !== undefined
          ? { ...trace, geojson: payload.shared[trace.geojson.c5Shared] }
          : trace,
      );
      chart.classList.add("c5-live");
      try {
        div.c5Plotly = plotly;
        const layout = forWidth(chart, figure.layout);
        await plotly.newPlot(div, data, layout, figure.config);
        await fitLegend(div, plotly, layout);
        div.style.height = div._fullLayout.height + "px"; /* the slot was sized for the desktop layout */
        keyboardToolbar(div);
        showHint(chart, figure.layout.meta);
      } catch (error) {
        chart.classList.remove("c5-live");
        console.error("A chart could not be drawn; its image stays.", error);
      }
    };
    const observer = new IntersectionObserver(
      (entries) => {
        for (const entry of entries) {
          if (entry.isIntersecting) {
            observer.unobserve(entry.target);
            draw(entry.target);
          }
        }
      },
      { rootMargin: "400px 0px" },
    );
    charts.forEach((chart) => observer.observe(chart));
  };

  start().catch((error) => console.error("Interactive charts unavailable; the images stay.", error));
})();
