"""Dagster conventions every asset follows: who owns it, which layer (group) it sits in, how fresh it
must be, and a description for every check (dbt's generic tests have none of their own)."""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

import dagster as dg

OWNERS = ["team:govreports"]
LAYERS = ("raw", "staging", "intermediate", "marts")

# The nightly run materialises the crawl's tables every night, and the marts every night too (a mart
# that nothing upstream changed is reported unchanged, with the same data version, instead of being
# rebuilt: pipelines/assets/dbt.py). A mart older than a day and a bit means a night that did not run.
NIGHTLY_FRESHNESS = dg.FreshnessPolicy.time_window(fail_window=dt.timedelta(hours=30),
                                                   warn_window=dt.timedelta(hours=26))


def layer_of(dbt_resource_props: Mapping[str, Any]) -> str:
    """staging / intermediate / marts (the model's schema), seeds for the reference data."""
    if dbt_resource_props.get("resource_type") == "seed":
        return "seeds"
    schema = (dbt_resource_props.get("config") or {}).get("schema") or dbt_resource_props.get("schema") or ""
    return schema if schema in LAYERS else "warehouse"


def _model_name(ref_text: str) -> str:
    match = re.search(r"ref\(\s*'([^']+)'", ref_text or "")
    return match.group(1) if match else (ref_text or "")


def describe_dbt_test(test: Mapping[str, Any]) -> str:
    """The test's own description, or one sentence saying what a generic test asserts."""
    if test.get("description"):
        return test["description"]
    meta = test.get("test_metadata") or {}
    kwargs = meta.get("kwargs") or {}
    column = kwargs.get("column_name")
    name = meta.get("name")
    if name == "not_null":
        return f"`{column}` is never null."
    if name == "unique":
        return f"`{column}` is unique: no two rows share a value."
    if name == "accepted_values":
        return f"`{column}` is one of: {', '.join(map(str, kwargs.get('values') or []))}."
    if name == "relationships":
        return (f"Every `{column}` exists as `{kwargs.get('field')}` in {_model_name(kwargs.get('to', ''))} "
                f"(no orphan keys).")
    if name == "unique_combination_of_columns":
        return f"No two rows share the same ({', '.join(kwargs.get('combination_of_columns') or [])})."
    if name == "row_count_matches_grid":
        return (f"One row per cell of the grid {_model_name(kwargs.get('left_model', ''))} "
                f"({kwargs.get('left_where') or 'all'}) × {_model_name(kwargs.get('right_model', ''))} "
                f"({kwargs.get('right_where') or 'all'}).")
    return f"dbt test {name or test.get('name')}" + (f" on `{column}`" if column else "") + "."
