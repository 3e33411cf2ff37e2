"""Metrics (`/metrics`, Prometheus), traces (OpenTelemetry, when configured) and the
operation details of access logs. The metric definitions live in `datastore/kit/metrics.py`
so every floor can record them."""
