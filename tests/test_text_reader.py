"""The .txt reader: strict decoding and the two table shapes of Word-to-text exports."""
from __future__ import annotations

import pytest

from perfeval.ingest.model import Paragraph, Table
from perfeval.ingest.readers import ReadError, read_document
from perfeval.ingest.readers.text import decode_text

SAMPLE = "项目支出绩效自评表\n评价得分为93.21分，等级为优。\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk", "utf-16"])
def test_decodes_every_supported_encoding(encoding):
    text, _ = decode_text(SAMPLE.encode(encoding))
    assert text.lstrip("\ufeff") == SAMPLE


def test_short_gbk_text_is_not_misread():
    # two characters of GBK: detectors guess this wrong, strict decoding does not
    assert decode_text("优良".encode("gbk"))[0] == "优良"


def test_garbage_is_refused():
    with pytest.raises(ReadError):
        read_document(bytes(range(256)) * 10, "x.txt")
    with pytest.raises(ReadError, match="empty"):
        read_document(b"  \r\n ", "x.txt")


def blocks(text: str):
    return read_document(text.encode("utf-8"), "t.txt").blocks


def test_cell_per_line_table_with_multiline_cells_and_blank_paragraph_in_cell():
    text = ("标题\n"
            "\t一级指标\n\t年度\n\n指标值\n\t分值\n\n"
            "\t产出指标\n\t完成率\n100%\n\t10\n\n"
            "表后说明\n")
    b = blocks(text)
    assert isinstance(b[0], Paragraph) and b[0].text == "标题"
    table = b[1]
    assert isinstance(table, Table)
    assert [[c.text for c in r] for r in table.rows] == [["一级指标", "年度\n指标值", "分值"],
                                                         ["产出指标", "完成率\n100%", "10"]]
    assert table.rows[0][1].line_start == 3 and table.rows[0][1].line_end == 5
    assert isinstance(b[2], Paragraph) and b[2].text == "表后说明" and b[2].line_start == 13


def test_row_per_line_table_with_markup_and_continuation_row():
    text = ("信息表\n\n项目名称\t<p>某项目</p>\n存在问题\t<p>1. 问题一。</p> <p>2. 问题</p>\n\n"
            "\t<p>二的后半句。</p>\n\n下一段\n")
    b = blocks(text)
    table = b[1]
    assert [[c.text for c in r] for r in table.rows] == [
        ["项目名称", "某项目"], ["存在问题", "1. 问题一。\n2. 问题"], ["", "二的后半句。"]]
    assert b[2].text == "下一段"


def test_row_broken_by_trailing_empty_paragraph_is_joined():
    head = "".join(f"\t{h}\n" for h in ["a", "b", "c", "d", "e"]) + "\n"
    broken = "\t\n\t\n\t名称\n\n\t目标\n\t10\n\n"
    after = "".join(f"\t{h}\n" for h in ["", "", "x", "y", "5"]) + "\n"
    table = blocks(head + broken + after)[0]
    assert [len(r) for r in table.rows] == [5, 5, 5]
    assert [c.text for c in table.rows[1]] == ["", "", "名称", "目标", "10"]


def test_export_markup_is_removed_but_lines_are_kept():
    b = blocks("[bookmark: _Toc1]一、项目概述\n\t项目目标[image: ]\n\t4\n\n")
    assert b[0].text == "一、项目概述" and b[0].line_start == 1
    assert b[1].rows[0][0].text == "项目目标"
