"""The workspace's tables (SQLAlchemy Core). Alembic migrations in ``migrations/`` create them.

A test compares this metadata with the database the migrations build, so the two cannot drift.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
)

metadata = MetaData()

# One upload (one form submission or API call): its files, whatever became of each.
uploads = Table(
    "uploads",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("uploaded_by", String(50), nullable=False, server_default=""),
)

# A report: the file (stored by content hash), its state in the queue, and what scoring found.
reports = Table(
    "reports",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("sha256", String(64), nullable=False),
    Column("name", String(255), nullable=False),  # shown only; never a path
    Column("suffix", String(8), nullable=False),  # from a fixed list; the stored file is <sha256><suffix>
    Column("size", Integer, nullable=False),
    Column("upload_id", Integer, ForeignKey("uploads.id"), nullable=True),
    Column("uploaded_at", DateTime(timezone=True), nullable=False),
    Column("state", String(16), nullable=False),  # pending | scoring | done | failed
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("error", Text, nullable=True),
    Column("scored_with", String(300), nullable=True),  # tool, packs and rules the result came from
    Column("scored_at", DateTime(timezone=True), nullable=True),
    Column("title", Text, nullable=True),
    Column("jurisdiction", String(200), nullable=True),
    Column("level", String(16), nullable=True),
    Column("year", Integer, nullable=True),
    Column("date", String(10), nullable=True),
    Column("score", Float, nullable=True),
    Column("grade", String(8), nullable=True),
    Column("key_missing", Integer, nullable=False, server_default="0"),
    Column("key_missing_titles", Text, nullable=False, server_default="[]"),  # JSON list
    Column("covered", Integer, nullable=False, server_default="0"),
    Column("partial", Integer, nullable=False, server_default="0"),
    Column("missing", Integer, nullable=False, server_default="0"),
    Column("not_applicable", Integer, nullable=False, server_default="0"),
    Column("item_statuses", Text, nullable=False, server_default="{}"),  # JSON {"pack:item": status}
    Column("scorecard", LargeBinary, nullable=True),  # scorer.serve.codec
    Column("paragraphs", LargeBinary, nullable=True),  # codec: body paragraphs, for copy detection
    Column("closest_id", Integer, nullable=True),
    Column("closest_similarity", Float, nullable=True),
    Column("flagged", Boolean, nullable=False, server_default=false()),
    Column("reviewed", Integer, nullable=False, server_default="0"),  # items with a review
    Column("review_changed", Integer, nullable=False, server_default="0"),  # ...whose machine verdict changed since
    UniqueConstraint("sha256", name="uq_reports_sha256"),
)
Index("ix_reports_state", reports.c.state)
Index("ix_reports_body", reports.c.jurisdiction, reports.c.level, reports.c.year)

# What became of each file of an upload.
upload_files = Table(
    "upload_files",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("upload_id", Integer, ForeignKey("uploads.id"), nullable=False),
    Column("position", Integer, nullable=False),
    Column("name", String(255), nullable=False),
    Column("outcome", String(16), nullable=False),  # new | duplicate | skipped | rejected
    Column("report_id", Integer, ForeignKey("reports.id"), nullable=True),
    Column("message", Text, nullable=False, server_default=""),
)
Index("ix_upload_files_upload", upload_files.c.upload_id)

# Every review ever made (人工复核); the latest per item is the one in force.
reviews = Table(
    "reviews",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("report_id", Integer, ForeignKey("reports.id"), nullable=False),
    Column("pack", String(64), nullable=False),
    Column("item", String(128), nullable=False),
    Column("machine_status", String(16), nullable=False),
    Column("status", String(16), nullable=False),
    Column("reason", Text, nullable=False),
    Column("reviewer", String(50), nullable=False),
    Column("reviewed_at", DateTime(timezone=True), nullable=False),
)
Index("ix_reviews_report", reviews.c.report_id)

# Flagged pairs of the latest copy detection (per report year), with their shared paragraphs.
copy_pairs = Table(
    "copy_pairs",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("a_id", Integer, ForeignKey("reports.id"), nullable=False),
    Column("b_id", Integer, ForeignKey("reports.id"), nullable=False),
    Column("similarity", Float, nullable=False),
    Column("pair", LargeBinary, nullable=False),  # codec: the SimilarPair, report ids as keys
)

# Small settings of the workspace (the CSRF secret, copy detection bookkeeping).
state = Table(
    "state",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)
