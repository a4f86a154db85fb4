from PIL import Image

from analysis.text.wordcloud import word_cloud_png


def test_word_cloud_png_draws_chinese(tmp_path):
    path = word_cloud_png(
        {"价格": 12, "客服": 8, "界面": 5, "iPhone": 3}, tmp_path / "c.png", width=300, height=200
    )
    image = Image.open(path).convert("L")
    assert image.size == (300, 200)
    # something other than the white background was drawn
    assert image.getextrema()[0] < 128


def test_word_cloud_font_has_real_glyphs_for_hanzi():
    """Tofu boxes would also darken the image: check the font draws 价 and 格 as distinct
    glyphs, unlike a code point no font covers (both fall back to the same .notdef box)."""
    from PIL import ImageFont

    from analysis.fonts import cjk_font_path

    font = ImageFont.truetype(str(cjk_font_path()), 48)

    def bitmap(char):
        mask = font.getmask(char)
        return mask.size, bytes(mask)

    missing = bitmap("\U0010fffd")
    assert bitmap("价") != missing and bitmap("格") != missing
    assert bitmap("价") != bitmap("格")
