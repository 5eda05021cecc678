"""The same report in every format gives the same Document: metadata and section tree with roles."""

from __future__ import annotations

import pytest

from scorer.document import load_document

SEEDS = ("002", "003")  # one without a title (starts with the addressee), one with a title


def _shape(document):
    meta = document.meta
    tree = [(s.id, s.marker, s.title, s.role.value) for s in document.walk_sections()]
    return (meta.year, meta.level, meta.jurisdiction, meta.date, tree)


@pytest.mark.parametrize("prefix", SEEDS)
def test_every_format_gives_the_same_tree(prefix, seed_by_prefix, tmp_path, build_docx, build_pdf, build_html):
    seed = seed_by_prefix(prefix)
    text = seed.read_text(encoding="utf-8")
    lines = [line for line in text.split("\n") if line.strip()]
    reference = _shape(load_document(seed))
    assert reference[4], "the seed has a section tree"

    gb = tmp_path / "gb18030.txt"
    gb.write_bytes(text.encode("gb18030"))
    variants = {
        "gb18030": gb,
        "docx": build_docx(tmp_path / "r.docx", lines, title_first=prefix != "002"),
        "html": build_html(tmp_path / "r.html", lines),
        "pdf": build_pdf(tmp_path / "r.pdf", lines),
    }
    for name, path in variants.items():
        assert _shape(load_document(path)) == reference, name
