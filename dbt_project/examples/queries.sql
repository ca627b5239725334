-- Five example analyst queries over the marts (DuckDB SQL; run with `duckdb data/warehouse.duckdb`).
-- bench/bench_dbt.py times each one. Each query starts with a "-- name:" line.

-- name: coverage_by_prefecture_and_year
-- Share of configured agencies whose report was found, per city and year.
select a.prefecture_name, c.report_year,
       count(*)                                   as agencies,
       count(*) filter (where c.status = 'found') as found,
       count(*) filter (where c.status = 'unparseable') as unparseable,
       round(100.0 * count(*) filter (where c.status = 'found') / count(*), 1) as pct_found
from marts.agency_year_coverage c
join marts.dim_agency a using (agency_id)
group by all
order by a.prefecture_name, c.report_year;

-- name: late_publication_by_year_and_kind
-- Reports published after the statutory deadline (departments 31 Jan, governments 31 Mar from 2019 on).
select r.report_year, a.kind,
       count(*)                                   as reports,
       count(*) filter (where r.is_late)          as late,
       round(100.0 * count(*) filter (where r.is_late) / count(*), 1) as pct_late,
       median(r.days_late) filter (where r.is_late) as median_days_late
from marts.fct_report r
join marts.dim_agency a using (agency_id)
where r.published_on is not null
group by all
order by r.report_year, a.kind;

-- name: top_agencies_by_applications_received
-- The five agencies with most new disclosure applications (table 三, 总计) in each year.
select m.report_year, a.agency_name, a.prefecture_name, m.value as applications_received
from marts.fct_disclosure_metric m
join marts.dim_agency a using (agency_id)
where m.metric_code = 't3_new_received__total'
qualify row_number() over (partition by m.report_year order by m.value desc nulls last) <= 5
order by m.report_year, applications_received desc;

-- name: procurement_by_year_with_plausibility
-- 政府集中采购 totals (yuan → 亿元) and rows whose amount looks like 万元 without a unit.
select report_year,
       count(*)                                            as reports,
       round(sum(amount_cny) filter (where is_plausible) / 1e8, 2) as amount_100m_cny_plausible,
       count(*) filter (where is_plausible = false)        as implausible_rows,
       round(median(avg_per_project_cny), 0)               as median_avg_per_project_cny
from marts.fct_procurement
group by report_year
order by report_year;

-- name: penalty_decisions_series_by_sector
-- A cross-era comparable series: 行政处罚 decisions per sector and year, with caveats counted.
select a.sector, s.report_year, s.era,
       count(*)                        as reports,
       sum(s.value)                    as penalty_decisions,
       count(*) filter (where s.caveat is not null) as values_with_caveat
from marts.mart_comparable_series s
join marts.dim_agency a using (agency_id)
where s.comparable_group = 'penalty_decisions'
group by all
order by a.sector, s.report_year;
