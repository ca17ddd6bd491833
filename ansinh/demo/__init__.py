"""Huế's demo province: generated deterministically from a seed, loaded through the importer.

`generate()` makes the rows, `load_demo()` puts them in the database (idempotently), and
`write_officer_files()` writes a small sample as the officers' own CSV files. `DEMO_IDENTITIES`
are the documented people to try the service with (docs/DEMO.md).
"""
from __future__ import annotations

from ansinh.demo.calendar import DemoMonths, demo_months
from ansinh.demo.generator import DemoData, generate
from ansinh.demo.identities import DEMO_IDENTITIES, STRANGER_PHONE, identity_cards
from ansinh.demo.loader import DemoSummary, load_demo, loaded_months, write_officer_files

__all__ = ["DEMO_IDENTITIES", "STRANGER_PHONE", "DemoData", "DemoMonths", "DemoSummary", "demo_months",
           "generate",
           "identity_cards", "load_demo", "loaded_months", "write_officer_files"]
