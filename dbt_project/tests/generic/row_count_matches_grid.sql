{#- the model [where model_where] has exactly count(left_model [where left_where]) x
    count(right_model [where right_where]) rows -#}
{% test row_count_matches_grid(model, left_model, right_model, left_where=None, right_where=None, model_where=None) %}
with expected as (
    select (select count(*) from {{ left_model }} {% if left_where %}where {{ left_where }}{% endif %})
         * (select count(*) from {{ right_model }} {% if right_where %}where {{ right_where }}{% endif %}) as n
), actual as (select count(*) as n from {{ model }} {% if model_where %}where {{ model_where }}{% endif %})
select expected.n as expected_rows, actual.n as actual_rows
from expected, actual
where expected.n <> actual.n
{% endtest %}
