"""Static images of plotly figures, drawn at build time in the headless Chromium the tests use.

Each figure is drawn by ``Plotly.toImage`` in one offline page (every request other than ``data:``
is aborted), then re-encoded on a canvas as WEBP or JPEG at the chosen quality. The images show
where scripts do not run (mail previewers) and on paper.
"""

from __future__ import annotations

import base64
import copy
from dataclasses import dataclass

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
    margin that held them (its height shrinks to match).
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
    return drawn


PAGES = 2  # figures drawn at a time, each in its own page (Chromium gives each page a process)


def render_images(figures: list[dict], image_format: ImageFormat = ImageFormat()) -> list[bytes]:
    """Draw every figure (``{"data", "layout", "config"}``) as an image; return the encoded bytes.

    The figures are shared between ``PAGES`` offline pages of one Chromium, drawn side by side;
    the images come back in the figures' order.
    """
    import asyncio

    from playwright.async_api import Error as PlaywrightError

    if not figures:
        return []
    try:
        return asyncio.run(_render_all(figures, image_format))
    except PlaywrightError as err:
        reason = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise ImageRenderError(f"could not draw chart images in Chromium ({CHROMIUM}): {reason}") from None


async def _render_all(figures: list[dict], image_format: ImageFormat) -> list[bytes]:
    """Each page takes the next figure not yet taken until none is left."""
    import asyncio

    from playwright.async_api import async_playwright

    images: list[bytes | None] = [None] * len(figures)
    waiting = iter(range(len(figures)))

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

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        pages = [await browser.new_page() for _ in range(min(PAGES, len(figures)))]
        await asyncio.gather(*(draw_on(page) for page in pages))
        await browser.close()
    missing = [number for number, image in enumerate(images) if image is None]
    if missing:
        raise ImageRenderError(f"Chromium drew no image for {len(missing)} of {len(figures)} charts")
    return images
