"""How much work one report file may cause: every size limit of ingest, in one place.

The defaults sit far above any real report (the longest seen are ~40 pages and ~60,000
characters) and low enough that the work they allow ends in seconds on a small machine: scoring
costs about 10 µs per character, pdfplumber about 0.25 s per full page. Callers (``fzscore batch
--max-size``, a web form) pass their own ``InputLimits`` to ``read_report``; every refusal is an
``InputError`` whose Chinese message names the limit that was hit.
"""

from __future__ import annotations

from dataclasses import dataclass

from scorer.errors import InputError

MIB = 1024 * 1024


class InputTooLarge(InputError):
    """The file is over one of the ``InputLimits`` (the message names the limit)."""


@dataclass(frozen=True)
class InputLimits:
    """Upper bounds on one input file; 0 or a negative value switches a bound off."""

    max_file_bytes: int = 200 * MIB  # any file, checked before it is read
    max_html_bytes: int = 20 * MIB  # page markup: the HTML parser needs ~10× this in memory
    max_html_elements: int = 100_000  # start tags; parsing and reading cost ~30-80 µs each (a real page has < 10,000)
    max_unpacked_bytes: int = 300 * MIB  # .docx: all zip members together, uncompressed (zip bombs)
    max_xml_bytes: int = 64 * MIB  # .docx: any one XML part, uncompressed (a 1M-character document is ~20 MB)
    max_pdf_pages: int = 300  # pdfplumber reads a full page in ~0.25 s
    max_text_chars: int = 1_000_000  # characters extracted from the file, before normalisation

    def __post_init__(self) -> None:
        for name, value in vars(self).items():
            if not isinstance(value, int) or isinstance(value, bool):
                raise TypeError(f"InputLimits.{name} must be an int, not {type(value).__name__}")

    @staticmethod
    def exceeded(value: int, bound: int) -> bool:
        """True when ``value`` is over ``bound`` (a bound of 0 or less means no bound)."""
        return bound > 0 and value > bound


DEFAULT_LIMITS = InputLimits()


def describe_bytes(size: int) -> str:
    """A byte count for a message: '200 MB', '12.3 MB', '850 KB', '97 字节'."""
    if size >= MIB:
        return f"{size // MIB} MB" if size % MIB == 0 else f"{size / MIB:.1f} MB"
    if size >= 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size} 字节"
