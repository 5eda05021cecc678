"""The workspace (``fzscore serve``): a local web app where supervisors upload, score and review a season.

In: uploaded report files (one, many, or a .zip of a folder) and reviewers' decisions. Out: pages
(the dashboard, scorecards with their reviews, copy-detection pairs, history across years with the
year-over-year comparison), a JSON API described by OpenAPI, and exports (CSV, JSON, HTML pages,
Word), every one carrying the reviews.

* ``app``      – the FastAPI application: pages, API, error handling;
* ``security`` – host check, access token, CSRF, request size, security headers (ASGI middleware);
* ``store``    – SQLAlchemy storage (SQLite in the data folder, or PostgreSQL) and files by hash;
* ``schema``   – the tables; ``migrations/`` – Alembic revisions, run at every start;
* ``scoring``  – the dispatcher thread and the worker pool (restart-safe queue);
* ``uploads``  – taking files in (limits, zip archives, GBK names);
* ``codec``    – Scorecards stored as compressed JSON (no pickle);
* ``exports``  – one report's and the season's exports, reviews included;
* ``compare``  – the side-by-side item table of two years with each year's reviews (the comparison
                 itself is ``scorer.audit.compare``'s, run in the worker pool).

Sits at the level of ``commands``: it may use audit, pipeline, render, config, rules and model.
"""
