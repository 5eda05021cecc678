"""Many reports: batch, copy detection, baseline, eval and year-over-year compare."""
