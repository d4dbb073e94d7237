"""Static images of plotly figures, drawn at build time in the headless Chromium the tests use.

Each figure is drawn by ``Plotly.toImage`` in one offline page (every request other than ``data:``
is aborted), then re-encoded on a canvas as WEBP or JPEG at the chosen quality. The images show
where scripts do not run (mail previewers) and on paper. A :class:`PictureCache` keeps them between
builds, each under the hash of everything it depends on, so an unchanged chart is not drawn again.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from plotly.offline import get_plotlyjs

from reporting.chart_text import BUTTONS_MARGIN, TOP_MARGIN, buttons_above

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
DEFAULT_WIDTH = 900
DEFAULT_HEIGHT = 520
NARROW_WIDTH = 400  # the phone picture: drawn this wide, it reads at its size on a 390 px screen
NARROW_BREAKPOINT = 600  # screens up to this many CSS pixels wide show the phone picture

_DRAW = """async ([figure, width, height, mime, quality]) => {
    const png = await Plotly.toImage(figure, {format: 'png', width, height, scale: 1});
    if (mime === 'image/png') return png;
    const image = new Image();
    image.src = png;
    await image.decode();
    const canvas = document.createElement('canvas');
    canvas.width = width;
    canvas.height = height;
    const context = canvas.getContext('2d');
    context.fillStyle = '#ffffff';
    context.fillRect(0, 0, width, height);
    context.drawImage(image, 0, 0);
    return canvas.toDataURL(mime, quality);
}"""


class ImageRenderError(RuntimeError):
    """Chromium could not be started or a figure could not be drawn as an image."""


@dataclass(frozen=True)
class ImageFormat:
    """How chart images are encoded: MIME type and lossy quality (ignored for PNG)."""

    mime: str = "image/webp"
    quality: float = 0.8


async def _only_data_urls(route: object) -> None:
    """Let ``data:`` URLs load (the empty world topology); abort everything else."""
    if route.request.url.startswith("data:"):
        await route.continue_()
    else:
        await route.abort()


def figure_size(figure: dict) -> tuple[int, int]:
    """The pixel size a figure is drawn at: its layout's width/height, else the theme's default."""
    layout = figure.get("layout", {})
    return int(layout.get("width") or DEFAULT_WIDTH), int(layout.get("height") or DEFAULT_HEIGHT)


def picture(figure: dict, width: int | None = None) -> dict:
    """A copy of a figure (already without its words) as its picture is drawn, ``width`` wide if given.

    Buttons and sliders only work where scripts run, so the picture has none, and loses the top
    margin that held them (its height shrinks to match). Up to :data:`NARROW_BREAKPOINT` wide, a grid
    takes its one-column phone layout (:func:`narrow`); a legend under the plot gets the room its rows
    need at the width drawn (:func:`fit_legend`).
    """
    drawn = copy.deepcopy(figure)
    layout = drawn.setdefault("layout", {})
    had_buttons = buttons_above(layout)
    for control in ("updatemenus", "sliders"):
        layout.pop(control, None)
    margin = layout.get("margin", {})
    if had_buttons and "t" in margin:
        top = max(TOP_MARGIN, int(margin["t"]) - BUTTONS_MARGIN)
        cut = int(margin["t"]) - top
        layout["margin"] = {**margin, "t": top}
        if layout.get("height"):
            layout["height"] = int(layout["height"]) - cut
    if width:
        layout["width"] = width
        if width <= NARROW_BREAKPOINT:
            narrow(layout)
    fit_legend(drawn, width or figure_size(drawn)[0])
    return drawn


NARROW_META = "c5Narrow"  # helpers.figures.grid.NARROW_META: a grid's one-column layout for phones


def _plot_height(layout: dict) -> int:
    margin = layout.get("margin", {})
    return int(layout.get("height") or DEFAULT_HEIGHT) - int(margin.get("t", 0)) - int(margin.get("b", 0))


def _legend(layout: dict) -> dict:
    """The legend's settings, the template's under the layout's own."""
    template = ((layout.get("template") or {}).get("layout") or {}).get("legend") or {}
    return {**template, **(layout.get("legend") or {})}


def _keep_legend_offset(layout: dict, old_plot: int, new_plot: int) -> None:
    """A legend under the plot stays the same number of pixels under it when the plot's height changes."""
    y = _legend(layout).get("y")
    if isinstance(y, int | float) and y < 0 and new_plot:
        layout["legend"] = {**(layout.get("legend") or {}), "y": round(y * old_plot / new_plot, 4)}


def narrow(layout: dict) -> None:
    """Lay a grid out for a phone (in place): the one-column layout its figure carries in
    ``layout.meta`` (see ``helpers.figures.grid.narrow_grid``); templates/loader.js applies the same
    on a live chart. A layout without one is left as it is."""
    spec = (layout.get("meta") or {}).get(NARROW_META) if isinstance(layout.get("meta"), dict) else None
    if not spec:
        return
    old_plot, new_plot = _plot_height(layout), int(spec["plotHeight"])
    margin = layout.get("margin", {})
    layout["height"] = int(margin.get("t", 0)) + int(margin.get("b", 0)) + new_plot
    _keep_legend_offset(layout, old_plot, new_plot)
    for name, changes in spec.get("axes", {}).items():
        layout[name] = {**(layout.get(name) or {}), **changes}
    for note in layout.get("annotations", []):
        note.update(spec.get("annotations", {}).get(note.get("name"), {}))


LEGEND_ROW = 28  # one row of a horizontal legend, px (13 px text; a line with markers is the tallest item)
LEGEND_SYMBOL = 40  # an item's symbol and the gap after its text, px
LEGEND_GAP, LEGEND_GAP_TITLED = 32, 58  # the least room between plot and legend: tick labels (and x title)
CHARACTER = 0.56  # an average character's width, in font sizes (Arial)


def legend_rows(names: list[str], width: float, font_size: float = 13) -> int:
    """How many rows a horizontal legend of ``names`` takes in ``width`` pixels (items wrap whole).

    >>> legend_rows(["Russia", "China"], 800)
    1
    >>> legend_rows(["No public news since the summit", "News, no step up"], 300)
    2
    """
    rows, used = (1 if names else 0), 0.0
    for name in names:
        item = LEGEND_SYMBOL + CHARACTER * font_size * len(name)
        if used and used + item > width:
            rows, used = rows + 1, 0.0
        used += item
    return rows


def _title_text(axis: object) -> str:
    title = axis.get("title") if isinstance(axis, dict) else None
    return str((title.get("text") if isinstance(title, dict) else title) or "")


def fit_legend(figure: dict, width: int) -> None:
    """Make room (in place) under the plot for a horizontal legend's rows at ``width``: the bottom
    margin and the height grow, so plotly never takes the room from the plot (which would move a
    legend placed in plot heights up into the axis title)."""
    layout = figure.setdefault("layout", {})
    legend = _legend(layout)
    y = legend.get("y")
    if layout.get("showlegend") is False or legend.get("orientation") not in (None, "h") or not isinstance(
        y, int | float
    ) or y >= 0:
        return
    groups = {}
    for trace in figure.get("data", []):
        if trace.get("showlegend") is not False and trace.get("name"):
            groups.setdefault(trace.get("legendgroup") or trace["name"], str(trace["name"]))
    if len(groups) < 2 and layout.get("showlegend") is not True:
        return
    margin = dict(layout.get("margin", {}))
    font = (legend.get("font") or {}).get("size") or (layout.get("font") or {}).get("size") or 13
    rows = legend_rows(list(groups.values()), width - int(margin.get("l", 0)), font)
    plot = _plot_height(layout)
    titled = any(_title_text(v) for k, v in layout.items() if k.startswith("xaxis"))
    gap = max(round(-y * plot), LEGEND_GAP_TITLED if titled else LEGEND_GAP)
    layout["legend"] = {**(layout.get("legend") or {}), "y": round(-gap / plot, 4)}
    needed = gap + rows * LEGEND_ROW + 10
    if needed > int(margin.get("b", 0)):
        grow = needed - int(margin.get("b", 0))
        margin["b"] = needed
        layout["margin"] = margin
        layout["height"] = int(layout.get("height") or DEFAULT_HEIGHT) + grow


PAGES = 2  # figures drawn at a time, each in its own page (Chromium gives each page a process)


class PictureCache:
    """Images drawn by earlier builds, one file per image, named by the hash of what it depends on:
    the figure as drawn, the image format, plotly.js, the drawing code and Chromium's version."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)

    @staticmethod
    def key(figure: dict, image_format: ImageFormat, chromium_version: str) -> str:
        """The file name of a figure's image."""
        import plotly

        parts = (
            json.dumps(figure, sort_keys=True, separators=(",", ":")),
            f"{image_format.mime} {image_format.quality}",
            plotly.__version__,
            _DRAW,
            chromium_version,
        )
        return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()

    def get(self, key: str) -> bytes | None:
        """The image kept under ``key``, if any."""
        path = self.folder / key
        return path.read_bytes() if path.is_file() else None

    def put(self, key: str, image: bytes) -> None:
        """Keep an image (written whole: a temporary file, then renamed)."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=self.folder, prefix=".drawing-", delete=False) as handle:
                handle.write(image)
            os.replace(handle.name, self.folder / key)
        except OSError as err:
            raise ImageRenderError(f"could not keep a chart image in {self.folder}: {err.strerror or err}") from None


def render_images(
    figures: list[dict], image_format: ImageFormat = ImageFormat(), cache: PictureCache | None = None
) -> list[bytes]:
    """Draw every figure (``{"data", "layout", "config"}``) as an image; return the encoded bytes.

    The figures are shared between ``PAGES`` offline pages of one Chromium, drawn side by side;
    the images come back in the figures' order. With a ``cache``, images it holds are reused and
    new ones are added to it.
    """
    import asyncio

    from playwright.async_api import Error as PlaywrightError

    if not figures:
        return []
    try:
        return asyncio.run(_render_all(figures, image_format, cache))
    except PlaywrightError as err:
        reason = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise ImageRenderError(f"could not draw chart images in Chromium ({CHROMIUM}): {reason}") from None


async def _render_all(figures: list[dict], image_format: ImageFormat, cache: PictureCache | None) -> list[bytes]:
    """Each page takes the next figure not yet drawn (nor found in the cache) until none is left."""
    import asyncio

    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        keys = [PictureCache.key(figure, image_format, browser.version) for figure in figures] if cache else []
        images: list[bytes | None] = [cache.get(key) for key in keys] if cache else [None] * len(figures)
        waiting = iter([number for number, image in enumerate(images) if image is None])

        async def draw_on(page: object) -> None:
            await page.route("**/*", _only_data_urls)
            await page.set_content("<!DOCTYPE html><html><head></head><body></body></html>")
            await page.add_script_tag(content=get_plotlyjs())
            for number in waiting:  # one shared iterator: no figure is drawn twice
                figure = figures[number]
                width, height = figure_size(figure)
                url = await page.evaluate(_DRAW, [figure, width, height, image_format.mime, image_format.quality])
                header, _, payload = url.partition(",")
                if not header.startswith(f"data:{image_format.mime};base64"):
                    raise ImageRenderError(f"Chromium returned {header[:40]!r}, not {image_format.mime}")
                images[number] = base64.b64decode(payload)
                if cache:
                    cache.put(keys[number], images[number])

        to_draw = images.count(None)
        if to_draw:
            pages = [await browser.new_page() for _ in range(min(PAGES, to_draw))]
            await asyncio.gather(*(draw_on(page) for page in pages))
        await browser.close()
    missing = [number for number, image in enumerate(images) if image is None]
    if missing:
        raise ImageRenderError(f"Chromium drew no image for {len(missing)} of {len(figures)} charts")
    return images
