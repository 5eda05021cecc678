"""Audit: many reports at once, and the tool checked against labels.

* ``batch``         – score a folder of reports in worker processes, write pages, index and summaries;
* ``years``         – pair reports of one body across years within a batch;
* ``compare``       – one body's report this year against last year's (``fzscore compare``);
* ``copydetect``    – near-duplicate paragraphs across a batch (who copied whom);
* ``baseline``      – compare a scorecard with an earlier JSON output (``check --baseline``);
* ``evaluate``      – agreement with gold labels (``fzscore eval``);
* ``rule_examples`` – run every rule's examples through the real document builder and matcher.

Sits above the one-report pipeline: uses ``scorer.pipeline``, ``scorer.judge`` and ``scorer.render``;
its result types live in ``scorer.model`` so renderers never import this package.
"""
