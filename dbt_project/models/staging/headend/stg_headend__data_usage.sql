{{ data_usage_records() }}
