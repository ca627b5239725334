{{ config(materialized='view') }}
-- Table 四 (y2019 / y2021) and the pre-2019 statistics rows: canonical report x proceeding x result.
-- proceeding: review, lit_direct, lit_after_review (2019+), litigation (pre-2019, not split).
-- A view over fct_disclosure_metric.
with v as (
    select *,
        case when metric_code like 't4\_%' escape '\'
                 then regexp_extract(metric_code, '^t4_(review|lit_direct|lit_after_review)_(maintained|corrected|other|pending|total)$', 1)
             when metric_code like 'pre\_review\_%' escape '\' then 'review'
             when metric_code like 'pre\_litigation\_%' escape '\' then 'litigation' end as proceeding,
        case when metric_code like 't4\_%' escape '\'
                 then regexp_extract(metric_code, '^t4_(review|lit_direct|lit_after_review)_(maintained|corrected|other|pending|total)$', 2)
             when metric_code in ('pre_review_cases', 'pre_litigation_cases') then 'total'
             when metric_code in ('pre_review_upheld', 'pre_litigation_upheld') then 'maintained'
             when metric_code in ('pre_review_corrected', 'pre_litigation_corrected') then 'corrected'
             when metric_code in ('pre_review_other', 'pre_litigation_other') then 'other' end as result
    from {{ ref('fct_disclosure_metric') }}
    where metric_code like 't4\_%' escape '\'
       or metric_code in ('pre_review_cases', 'pre_review_upheld', 'pre_review_corrected', 'pre_review_other',
                          'pre_litigation_cases', 'pre_litigation_upheld', 'pre_litigation_corrected', 'pre_litigation_other')
)
select
    cast(report_id as varchar)          as report_id,
    cast(agency_id as varchar)          as agency_id,
    cast(report_year as integer)        as report_year,
    cast(proceeding as varchar)         as proceeding,
    cast(result as varchar)             as result,
    cast(metric_code as varchar)        as metric_code,
    -- a count: whole numbers only; one printed otherwise (a parse slip) is null, its text in value_raw
    cast(case when value = trunc(value) then value end as bigint) as value,
    cast(value_raw as varchar)          as value_raw,
    cast(semantic as varchar)           as semantic,
    cast(template_era as varchar)       as template_era,
    cast(document_id as varchar)        as document_id,
    cast(loaded_at as timestamp)        as loaded_at
from v
where proceeding is not null and proceeding <> '' and result is not null and result <> ''
