"""What kind of measure each headline figure is (how the dashboard and the summary show it): kept
apart from :mod:`crm_research.periodic` so that the dashboard can order its cards without
importing the statistics."""

#: headline figure → kind of measure
HEADLINE_KINDS = {"csi": "index", "loyalty": "index", "on_time_rate": "pct", "damage_rate": "pct",
                  "complaint_resolution_hours": "hours", "revenue": "money", "a_revenue_share": "pct",
                  "overdue": "money", "churn_at_risk": "int", "churn_lost": "int"}
