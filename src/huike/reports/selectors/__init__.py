"""Read-only aggregates for reports, scoped by the caller's role (R-1, R-10). Never writes.

Each report is one or a few grouped queries in the database; pages, the API and exports share them.
"""
from .activity import followup_efficiency, health, service
from .due import overdue_counts
from .book import DISTRIBUTION_KEYS, distribution, funnel, growth, stage_counts
from .sales import SALES_KEYS, sales
from .satisfaction import PERIODIC, SATISFACTION_BY, satisfaction, satisfaction_block

__all__ = ["DISTRIBUTION_KEYS", "PERIODIC", "SALES_KEYS", "SATISFACTION_BY", "distribution", "followup_efficiency",
           "funnel", "growth", "health", "overdue_counts", "sales", "satisfaction", "satisfaction_block", "service",
           "stage_counts"]
