"""Render: a ``Scorecard`` or a batch result → text, JSON, HTML, Markdown, GitHub annotations, CSV.

One module per format; templates in ``scorer/templates/``. Renderers lay out what judging decided
and never recompute it: they import ``scorer.model`` (and each other), never ``scorer.judge``.
"""
