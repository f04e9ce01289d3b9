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


def test_a_chart_laid_out_by_tight_layout_is_drawn_once_per_image_and_the_same():
    """``tight_layout`` leaves a placeholder layout engine on the figure, and matplotlib's ``savefig`` then draws the
    whole figure once more, for nothing, before drawing it (issue 24). Without it: one draw per image, and the same
    pixels, byte for byte, as with the extra draw (the SVG differs only by signs of zero, « -0 », and the clip
    paths' hashed ids)."""
    import matplotlib.figure

    from pma_eval import charts

    def chart():
        fig, ax = charts.new_figure((7, 4))
        ax.bar(["2019", "2020", "2021"], [3.0, 2.5, 2.0], label="Émissions")
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
        charts.source_note(fig, "Source : test")
        charts._layout(fig, 1)
        return fig

    draws = []
    plain_draw = matplotlib.figure.Figure.draw

    def counted(self, renderer):
        draws.append(1)
        return plain_draw(self, renderer)

    # the reference: matplotlib's own path, the extra draw included
    fig = chart()
    assert fig.get_layout_engine() is not None
    crop = charts._crop(fig)
    buf = io.BytesIO()
    fig.savefig(buf, format="rgba", dpi=100, bbox_inches=crop)
    rgba_ref = buf.getvalue()
    plt.close(fig)

    fig = chart()
    crop = charts._crop(fig)
    matplotlib.figure.Figure.draw = counted
    try:
        charts.without_dry_draw(fig).savefig(buf := io.BytesIO(), format="rgba", dpi=100, bbox_inches=crop)
        assert len(draws) == 1
        assert buf.getvalue() == rgba_ref
        charts.to_svg(fig)
        assert len(draws) == 2
    finally:
        matplotlib.figure.Figure.draw = plain_draw
        plt.close(fig)
