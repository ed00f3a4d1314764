from wagtail import blocks
from wagtail.contrib.table_block.blocks import TableBlock
from wagtail.images.blocks import ImageBlock

TABLE_OPTIONS = {"startRows": 3, "startCols": 3, "colHeaders": False, "rowHeaders": False, "language": "zh-cn"}


class LabelledImageBlock(ImageBlock):
    """Wagtail's ImageBlock, whose image field is labelled by its name ("Image"), which no catalogue translates."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.child_blocks["image"].label = "图片"


class NoticeBodyBlock(blocks.StreamBlock):
    paragraph = blocks.RichTextBlock(
        label="正文段落", features=["h2", "h3", "bold", "italic", "ol", "ul", "link", "document-link"]
    )
    table = TableBlock(label="表格", table_options=TABLE_OPTIONS)
    image = LabelledImageBlock(label="图片")

    class Meta:
        label = "正文"
