{#- report_id: stable hash of (agency_id, report_year) = first 16 hex of md5('<agency_id>|<year>').
    Python equivalent: hashlib.md5(f"{agency_id}|{report_year}".encode()).hexdigest()[:16] -#}
{% macro report_id(agency_id, report_year) -%}
    case when {{ agency_id }} is not null and {{ report_year }} is not null
         then substr(md5(cast({{ agency_id }} as varchar) || '|' || cast({{ report_year }} as varchar)), 1, 16)
    end
{%- endmacro %}

{#- agency found in documents (open world): 'ag_' + division code (or 'x') + first 10 hex of
    md5(canonical name). Python: f"ag_{division or 'x'}_" + hashlib.md5(name.encode()).hexdigest()[:10] -#}
{% macro document_agency_id(name, division_code) -%}
    'ag_' || coalesce({{ division_code }}, 'x') || '_' || substr(md5({{ norm_name(name) }}), 1, 10)
{%- endmacro %}

{#- agency a document could not establish: keyed by what was printed (or nothing) and the source -#}
{% macro unresolved_agency_id(printed, source_id) -%}
    'unresolved_' || substr(md5(coalesce({{ norm_name(printed) }}, '') || '|' || coalesce(cast({{ source_id }} as varchar), '')), 1, 12)
{%- endmacro %}

{#- Robust typing helpers for raw columns whose physical type the raw writer may choose. -#}
{% macro to_date(col) -%}
    try_cast(substr(trim(cast({{ col }} as varchar)), 1, 10) as date)
{%- endmacro %}

{% macro to_ts(col) -%}
    try_cast(cast({{ col }} as varchar) as timestamp)
{%- endmacro %}

{% macro to_bool(col) -%}
    case lower(trim(cast({{ col }} as varchar)))
        when 'true' then true when '1' then true when 't' then true when 'yes' then true
        when 'false' then false when '0' then false when 'f' then false when 'no' then false
    end
{%- endmacro %}

{#- JSON array text -> VARCHAR[] (null / invalid -> empty list) -#}
{% macro json_text_list(col) -%}
    coalesce(
        case when json_valid(cast({{ col }} as varchar)) and json_type(cast({{ col }} as varchar)) = 'ARRAY'
             then cast(json_extract_string(cast({{ col }} as varchar), '$[*]') as varchar[]) end,
        cast([] as varchar[]))
{%- endmacro %}

{#- normalise an agency name for matching: NFKC-ish trims, drop spaces -#}
{% macro norm_name(col) -%}
    nullif(regexp_replace(trim(cast({{ col }} as varchar)), '[\s　]+', '', 'g'), '')
{%- endmacro %}
