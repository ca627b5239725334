"""Dagster code location: crawl → archive → parse → raw tables → dbt marts (thin by design)."""
import dagster as dg

from pipelines.assets.checks import RAW_CHECKS
from pipelines.assets.crawl import crawled_documents
from pipelines.assets.dbt import dbt_resource, govreports_dbt_models
from pipelines.assets.parse import parsed_documents
from pipelines.assets.registry import registry_tables
from pipelines.assets.schedules import nightly_refresh_job, nightly_schedule
from pipelines.assets.sensors import run_failure_notice
from pipelines.assets.settings import PipelineSettings, describe_settings

defs = dg.Definitions(
    assets=[registry_tables, crawled_documents, parsed_documents, govreports_dbt_models],
    asset_checks=RAW_CHECKS,
    jobs=[nightly_refresh_job],
    schedules=[nightly_schedule],
    sensors=[run_failure_notice],
    resources={"settings": PipelineSettings(), "dbt": dbt_resource},
    metadata={"govreports/settings": describe_settings()},
)
