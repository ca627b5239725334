{#- The combination of columns is unique. With batch_column, only rows of the latest batch
    (max(batch_column)) are checked: for facts loaded report by report (delete+insert on
    report_id) whose key contains report_id, a duplicate can only arise inside one load batch,
    so checking the latest batch after each build covers every load at a fraction of the cost. -#}
{% test unique_combination_of_columns(model, combination_of_columns, batch_column=None) %}
select {{ combination_of_columns | join(', ') }}, count(*) as n_rows
from {{ model }}
{% if batch_column %}
where {{ batch_column }} = (select max({{ batch_column }}) from {{ model }})
{% endif %}
group by {{ combination_of_columns | join(', ') }}
having count(*) > 1
{% endtest %}
