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

  /* On a phone a grid's panels are narrow: the event labels at their top (annotations named "event")
     would run into the next panel. Their rules stay; their words go under the chart instead. */
  const PHONE = 600;
  const forWidth = (chart, layout) => {
    const panels = Object.keys(layout).filter((key) => /^xaxis\d*$/.test(key)).length;
    const notes = layout.annotations || [];
    if (panels < 2 || chart.clientWidth > PHONE || !notes.some((note) => note.name === "event")) return layout;
    const labels = [...new Set(notes.filter((note) => note.name === "event" && note.text).map((note) => note.text))];
    addNote(chart, labels.length ? "Grey rules: " + labels.join("; ") + "." : "", "c5-chart-events");
    return { ...layout, annotations: notes.map((note) => (note.name === "event" ? { ...note, text: "" } : note)) };
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
        await plotly.newPlot(div, data, forWidth(chart, figure.layout), figure.config);
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
