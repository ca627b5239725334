{{ config(materialized='view', tags=['uses_current_date']) }}  -- a view: its rows are today's (pipelines/assets/dbt_plan.py)
-- Report years known to the warehouse: least(2016, first data year) .. greatest(last due year, last data year).
-- last due year = the latest report year whose department deadline (31 Jan of Y+1) has passed.
with bounds as (
    select
        min(report_year) as min_year,
        max(report_year) as max_year
    from {{ ref('int_reports__canonical') }}
),
due as (
    select case when current_date > make_date(year(current_date), 1, 31)
                then year(current_date) - 1 else year(current_date) - 2 end as last_due_year
),
params as (
    select
        least({{ var('coverage_default_start_year') }}, coalesce(b.min_year, {{ var('coverage_default_start_year') }})) as first_year,
        {% if var('coverage_start_year') is not none %}{{ var('coverage_start_year') }}
        {% else %}coalesce(b.min_year, {{ var('coverage_default_start_year') }}){% endif %} as coverage_first_year,
        greatest(d.last_due_year, coalesce(b.max_year, d.last_due_year)) as last_year,
        d.last_due_year
    from bounds b, due d
)
select
    cast(y.report_year as integer)                                      as report_year,
    y.report_year between p.coverage_first_year and p.last_year        as in_coverage_scope,
    y.report_year <= p.last_due_year                                    as is_department_deadline_passed
from params p,
     lateral (select unnest(range(least(p.first_year, p.coverage_first_year), p.last_year + 1)) as report_year) y
