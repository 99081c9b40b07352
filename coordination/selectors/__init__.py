"""Reads for the coordination pages (HackSoft selectors): the dashboard's metrics and flag triage.

Modules: `scope` (what "active programmes in a country" means, shared by every metric), `dashboard`
(one function per metric of domain.md), `dashboard_summary` (the metrics at three dates, cached),
`dashboard_cards` (scorecards, charts and drill-down links for the page), `drilldown` (URLs of the
records behind a number), `flags` and `flag_evidence` (the flag inbox, detail and history).
"""
