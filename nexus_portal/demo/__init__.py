"""A realistic, deterministic demo data set (`manage.py load_demo`), with a case of every rule.

See docs/demo-data.md for what it contains and which records make each rule's case.
"""
