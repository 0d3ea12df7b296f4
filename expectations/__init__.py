"""Great Expectations suites that gate the bill run. Plain functions: no Dagster here."""
