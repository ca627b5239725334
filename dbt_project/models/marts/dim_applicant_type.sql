-- The 7 applicant columns of table 三
select
    cast(applicant_type as varchar)   as applicant_type,
    cast(label_zh as varchar)         as label_zh,
    cast(label_en as varchar)         as label_en,
    cast(applicant_group as varchar)  as applicant_group,
    cast(is_legal_person as boolean)  as is_legal_person,
    cast(is_total as boolean)         as is_total,
    cast(sort_order as integer)       as sort_order
from {{ ref('applicant_types') }}
