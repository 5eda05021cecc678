"""Document: ``RawText`` (from ingest) → ``Document``: metadata, section tree, paragraphs, sentences, roles.

* ``build``    – the layout (title, addressee, body, closing, web residue), the section tree and
                 the Document itself (``build_document``, ``load_document``);
* ``segment``  – official heading numbering (一、/（一）/1./（1）/一是…) and sentence splitting;
* ``metadata`` – jurisdiction, level, year, date, addressee, signer;
* ``roles``    – what each part is: 成效 / 不足 / 第一责任人 / 下一年度安排 / 其他.

Every offset in the Document indexes ``Document.text``. Nothing here knows about rules or scores.
"""

from __future__ import annotations

from scorer.document.build import build_document, load_document, raw_text_from_string

__all__ = ["build_document", "load_document", "raw_text_from_string"]
