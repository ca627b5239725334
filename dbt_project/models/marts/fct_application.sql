{{ config(materialized='view') }}
-- Table 三 in long form: canonical report x outcome row x applicant column (y2019 / y2021).
-- A view over fct_disclosure_metric (same rows, decomposed codes), so it is never stale.
select
    cast(f.report_id as varchar)        as report_id,
    cast(f.agency_id as varchar)        as agency_id,
    cast(f.report_year as integer)      as report_year,
    cast(m.applicant_type as varchar)   as applicant_type,
    cast(m.outcome_code as varchar)     as outcome_code,
    cast(o.outcome_group as varchar)    as outcome_group,
    cast(f.metric_code as varchar)      as metric_code,
    -- a count: whole numbers only; one printed otherwise (a parse slip) is null, its text in value_raw
    -- (tests/assert_counts_are_whole_numbers.sql lists them)
    cast(case when f.value = trunc(f.value) then f.value end as bigint) as value,
    cast(f.value_raw as varchar)        as value_raw,
    cast(f.semantic as varchar)         as semantic,
    cast(f.template_era as varchar)     as template_era,
    cast(f.document_id as varchar)      as document_id,
    cast(f.loaded_at as timestamp)      as loaded_at
from {{ ref('fct_disclosure_metric') }} f
join {{ ref('dim_metric') }} m on m.metric_code = f.metric_code and m.table_code = 't3'
left join {{ ref('application_outcomes') }} o on o.outcome_code = m.outcome_code
where f.metric_code like 't3\_%' escape '\'
  and m.applicant_type is not null and m.applicant_type <> ''
