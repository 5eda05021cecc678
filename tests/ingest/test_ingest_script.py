"""Reports in traditional characters are read as simplified, one character for one."""

from __future__ import annotations

from scorer.ingest import read_report
from scorer.ingest.script import to_simplified

TRADITIONAL = "青山縣2023年法治政府建設情況報告\n一、堅持黨的領導\n縣政府常務會議專題研究法治政府建設工作3次,顯著提升依法行政水平。\n"


def test_traditional_report_is_converted_with_a_warning(tmp_path):
    path = tmp_path / "report.txt"
    path.write_text(TRADITIONAL, encoding="utf-8")
    raw = read_report(path)
    assert raw.text.startswith("青山县2023年法治政府建设情况报告\n一、坚持党的领导")
    assert "县政府常务会议专题研究" in raw.text
    assert "显著" in raw.text  # 著 is a simplified character too and stays
    assert len(raw.text) == len(raw.offsets)
    assert raw.original == TRADITIONAL  # the original is kept for offsets back into the file
    assert any("繁体字" in warning for warning in raw.warnings)


def test_simplified_text_with_a_stray_traditional_character_is_left_alone():
    text = "青山县2023年法治政府建设情况报告。县长張某某主持召开常务会议,研究部署法治政府建设工作。" * 3
    assert to_simplified(text) == (text, 0)


def test_conversion_is_one_to_one():
    converted, count = to_simplified(TRADITIONAL)
    assert len(converted) == len(TRADITIONAL) and count >= 10
