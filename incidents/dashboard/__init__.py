"""The service desk manager's dashboard (/manager/): the desk's figures for a period and
support group, counted in SQL (metrics.py over the sets of tickets cohorts.py defines),
shown with their charts and tables (figures.py), the lists of tickets behind them and
the CSV export (views.py, export.py), with the panels other apps register
(servicedesk.dashboard). bench_data.py loads benchmark volume for bench_dashboard."""
