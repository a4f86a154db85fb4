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
