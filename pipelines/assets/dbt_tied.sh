#!/bin/sh
# dbt as a child that the kernel kills when the process that started it dies: a run killed with
# kill -9 must not leave a dbt build writing into the warehouse behind it (pipelines/assets/dbt.py).
# $GOVREPORTS_DBT is the real dbt executable; without setpriv (util-linux, Linux) dbt runs untied.
if command -v setpriv >/dev/null 2>&1; then
    exec setpriv --pdeathsig KILL -- "$GOVREPORTS_DBT" "$@"
fi
exec "$GOVREPORTS_DBT" "$@"
