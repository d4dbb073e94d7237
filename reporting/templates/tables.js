/* C5 Realignment reports: a search box and sortable columns for tables of class c5-deals, and a
   keyboard stop (with the table's caption as its name) and a line saying it scrolls on any table box
   that scrolls sideways.
   Without scripts the whole table shows. Sorting uses a cell's data-sort key when it has one
   (numbers, ISO dates; cells without a value go last), else its text, numbers compared as numbers. */
(() => {
  "use strict";
  const collator = new Intl.Collator("en", { numeric: true, sensitivity: "base" });
  const key = (cell) => (cell.dataset.sort !== undefined ? cell.dataset.sort : cell.textContent.trim());

  const compare = (a, b) => {
    if (a === "" || b === "") return (a === "") - (b === "");
    const x = Number(a), y = Number(b);
    return Number.isFinite(x) && Number.isFinite(y) ? x - y : collator.compare(a, b);
  };

  const enhance = (table, number) => {
    const body = table.tBodies[0];
    const rows = [...body.rows];
    const tools = document.createElement("div");
    tools.className = "c5-deals-tools";
    const id = `c5-deals-search-${number}`;
    tools.innerHTML = `<label for="${id}">Search the deals</label> <input type="search" id="${id}" autocomplete="off">
      <span class="c5-deals-count" role="status" aria-live="polite"></span>`;
    table.closest(".c5-deals-wrap").before(tools);
    const input = tools.querySelector("input");
    const count = tools.querySelector(".c5-deals-count");

    const filter = () => {
      const terms = input.value.toLowerCase().split(/\s+/).filter(Boolean);
      let shown = 0;
      for (const row of rows) {
        const text = row.textContent.toLowerCase();
        const match = terms.every((term) => text.includes(term));
        row.hidden = !match;
        shown += match;
      }
      count.textContent = `${shown} of ${rows.length} deals`;
    };

    const headers = [...table.tHead.rows[0].cells];
    headers.forEach((header, column) => {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "c5-sort";
      button.append(...header.childNodes);
      header.append(button);
      button.addEventListener("click", () => {
        const ascending = header.getAttribute("aria-sort") !== "ascending";
        headers.forEach((other) => other.removeAttribute("aria-sort"));
        header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        const sorted = [...body.rows].sort((a, b) => {
          const x = key(a.cells[column]), y = key(b.cells[column]);
          if (x === "" || y === "") return compare(x, y); // no value: last either way
          return ascending ? compare(x, y) : compare(y, x);
        });
        body.append(...sorted);
      });
    });
    input.addEventListener("input", filter);
    filter();
  };

  document.querySelectorAll("table.c5-deals").forEach(enhance);

  /* A line above a table box that scrolls: how many columns it has, and that it scrolls. */
  const hintFor = (box) => {
    let hint = box.previousElementSibling;
    if (!hint || !hint.classList.contains("c5-scroll-hint")) {
      hint = document.createElement("p");
      hint.className = "c5-scroll-hint";
      const row = box.querySelector("tr");
      const columns = row ? row.cells.length : 0;
      hint.textContent = columns > 1 ? `${columns} columns: scroll sideways to see them all` : "Scroll sideways";
      box.before(hint);
    }
    return hint;
  };

  const scrollStops = () => {
    document.querySelectorAll(".c5-table-wrap").forEach((box) => {
      if (box.scrollWidth > box.clientWidth + 1) {
        const caption = box.querySelector("caption, .c5-caption");
        box.tabIndex = 0;
        box.setAttribute("role", "region");
        box.setAttribute("aria-label", caption ? caption.textContent.trim() : "Table");
        hintFor(box).hidden = false;
      } else {
        ["tabindex", "role", "aria-label"].forEach((name) => box.removeAttribute(name));
        const hint = box.previousElementSibling;
        if (hint && hint.classList.contains("c5-scroll-hint")) hint.hidden = true;
      }
    });
  };
  scrollStops();
  window.addEventListener("resize", scrollStops);
})();
