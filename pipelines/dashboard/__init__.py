"""The govreports dashboard: a read-only Streamlit view of the `marts` schema.

`queries` holds the SQL (plain functions returning pandas DataFrames, no Streamlit), `app` the
Streamlit pages. Start it with `make dashboard`.
"""
