"""fazhi-scorecard: score a 法治政府建设年度报告 against the 纲要 and the 督察规定."""

__version__ = "0.1.0"
