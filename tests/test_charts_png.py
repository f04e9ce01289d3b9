"""pma_eval.charts.rgb_png: the PNG a PDF embeds as it is (8-bit RGB, no alpha), sized as matplotlib sizes it."""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.transforms import Bbox  # noqa: E402
from PIL import Image  # noqa: E402

from pma_eval.charts import rgb_png  # noqa: E402
from pma_eval.publish.pdf import png_idat  # noqa: E402


def _open(png: bytes) -> Image.Image:
    return Image.open(io.BytesIO(png))


def test_whole_figure_is_width_times_dpi_in_rgb():
    fig = plt.figure(figsize=(2, 1), dpi=50, facecolor="#ff0000")
    im = _open(rgb_png(fig))
    plt.close(fig)
    # 2 in × 50 dpi = 100 px by 1 in × 50 dpi = 50 px; red everywhere, no alpha channel
    assert im.mode == "RGB" and im.size == (100, 50) and im.getpixel((50, 25)) == (255, 0, 0)


def test_a_crop_is_its_size_in_inches_times_the_dpi_and_pdf_ready():
    fig = plt.figure(figsize=(4, 3), dpi=72)
    png = rgb_png(fig, 40, Bbox.from_bounds(0.5, 0.5, 1.0, 0.5))
    plt.close(fig)
    assert _open(png).size == (40, 20)  # 1 in × 40 and 0,5 in × 40
    assert png_idat(png) is not None  # 8-bit RGB, not interlaced: copied into the PDF as it is


def test_a_transparent_figure_is_laid_on_white():
    fig = plt.figure(figsize=(1, 1), dpi=20, facecolor="none")
    im = _open(rgb_png(fig))
    plt.close(fig)
    assert im.getpixel((10, 10)) == (255, 255, 255)  # not the black of a dropped alpha channel
