"""Builders for the ingest tests: the same report as .docx, .pdf and .html, made in tmp_path."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import pytest
from report_files import build_docx as _build_docx
from report_files import build_html as _build_html
from report_files import build_pdf as _build_pdf


@pytest.fixture
def build_docx() -> Callable[..., Path]:
    return _build_docx


@pytest.fixture
def build_pdf() -> Callable[..., Path]:
    return _build_pdf


@pytest.fixture
def build_html() -> Callable[..., Path]:
    return _build_html
