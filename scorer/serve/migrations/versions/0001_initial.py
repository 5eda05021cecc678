"""The first schema of the workspace: uploads, reports, upload files, reviews, copy pairs, state.

Revision ID: 0001
Revises:
Create Date: 2025-01-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "uploads",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("uploaded_by", sa.String(50), nullable=False, server_default=""),
    )
    op.create_table(
        "reports",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("suffix", sa.String(8), nullable=False),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("upload_id", sa.Integer, sa.ForeignKey("uploads.id"), nullable=True),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("error", sa.Text, nullable=True),
        sa.Column("scored_with", sa.String(300), nullable=True),
        sa.Column("scored_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("title", sa.Text, nullable=True),
        sa.Column("jurisdiction", sa.String(200), nullable=True),
        sa.Column("level", sa.String(16), nullable=True),
        sa.Column("year", sa.Integer, nullable=True),
        sa.Column("date", sa.String(10), nullable=True),
        sa.Column("score", sa.Float, nullable=True),
        sa.Column("grade", sa.String(8), nullable=True),
        sa.Column("key_missing", sa.Integer, nullable=False, server_default="0"),
        sa.Column("key_missing_titles", sa.Text, nullable=False, server_default="[]"),
        sa.Column("covered", sa.Integer, nullable=False, server_default="0"),
        sa.Column("partial", sa.Integer, nullable=False, server_default="0"),
        sa.Column("missing", sa.Integer, nullable=False, server_default="0"),
        sa.Column("not_applicable", sa.Integer, nullable=False, server_default="0"),
        sa.Column("item_statuses", sa.Text, nullable=False, server_default="{}"),
        sa.Column("scorecard", sa.LargeBinary, nullable=True),
        sa.Column("paragraphs", sa.LargeBinary, nullable=True),
        sa.Column("closest_id", sa.Integer, nullable=True),
        sa.Column("closest_similarity", sa.Float, nullable=True),
        sa.Column("flagged", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("reviewed", sa.Integer, nullable=False, server_default="0"),
        sa.Column("review_changed", sa.Integer, nullable=False, server_default="0"),
        sa.UniqueConstraint("sha256", name="uq_reports_sha256"),
    )
    op.create_index("ix_reports_state", "reports", ["state"])
    op.create_index("ix_reports_body", "reports", ["jurisdiction", "level", "year"])
    op.create_table(
        "upload_files",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("upload_id", sa.Integer, sa.ForeignKey("uploads.id"), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("report_id", sa.Integer, sa.ForeignKey("reports.id"), nullable=True),
        sa.Column("message", sa.Text, nullable=False, server_default=""),
    )
    op.create_index("ix_upload_files_upload", "upload_files", ["upload_id"])
    op.create_table(
        "reviews",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("report_id", sa.Integer, sa.ForeignKey("reports.id"), nullable=False),
        sa.Column("pack", sa.String(64), nullable=False),
        sa.Column("item", sa.String(128), nullable=False),
        sa.Column("machine_status", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("reviewer", sa.String(50), nullable=False),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_reviews_report", "reviews", ["report_id"])
    op.create_table(
        "copy_pairs",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("a_id", sa.Integer, sa.ForeignKey("reports.id"), nullable=False),
        sa.Column("b_id", sa.Integer, sa.ForeignKey("reports.id"), nullable=False),
        sa.Column("similarity", sa.Float, nullable=False),
        sa.Column("pair", sa.LargeBinary, nullable=False),
    )
    op.create_table(
        "state",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )


def downgrade() -> None:
    for table in ("state", "copy_pairs", "reviews", "upload_files", "reports", "uploads"):
        op.drop_table(table)
