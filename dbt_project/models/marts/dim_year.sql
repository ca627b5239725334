-- One row per report year: expected template era and publication deadlines.
-- Reports for 2019 on (条例 2019 第四十九条): departments by 31 Jan of Y+1, governments by 31 Mar;
-- before that (条例 2008): 31 Mar for all. publication_deadline is the department deadline.
with years as (select * from {{ ref('int_year_spine') }}),
rules as (select * from {{ ref('deadline_rules') }})
select
    cast(y.report_year as integer)                                          as report_year,
    cast(case when y.report_year <= 2018 then 'pre2019'
              when y.report_year <= 2020 then 'y2019'
              else 'y2021' end as varchar)                                  as template_era,
    cast(case when y.report_year <= 2018 then '国务院办公厅 统计表 (2008 条例)'
              when y.report_year <= 2020 then '国办公开办函〔2019〕60号'
              else '国办公开办函〔2021〕30号' end as varchar)              as template_document,
    cast(dep.regime as varchar)                                             as deadline_regime,
    cast(make_date(y.report_year + 1, dep.deadline_month, dep.deadline_day) as date) as publication_deadline,
    cast(make_date(y.report_year + 1, gov.deadline_month, gov.deadline_day) as date) as government_deadline,
    cast(y.is_department_deadline_passed as boolean)                         as is_deadline_passed,
    cast(y.in_coverage_scope as boolean)                                     as in_coverage_scope,
    cast(y.report_year between 2019 and 2020 as boolean)                     as has_procurement_table
from years y
join rules dep on dep.agency_kind = 'department' and y.report_year between dep.first_report_year and dep.last_report_year
join rules gov on gov.agency_kind = 'government' and y.report_year between gov.first_report_year and gov.last_report_year
