"""Bill cycles and collection days as partitions, one per date (YYYY-MM-DD): the
cycles the delivered data calls for are added by each ingest (`orchestration.cycles`)
and `cablebill run` adds its own; a collection day by its schedule or `cablebill
collect`."""

import warnings

from dagster import BackfillPolicy, BetaWarning, DynamicPartitionsDefinition

bill_cycles = DynamicPartitionsDefinition(name="bill_cycles")
# Collections run daily, as of a day (YYYY-MM-DD) that has been prepared.
collection_days = DynamicPartitionsDefinition(name="collection_days")

# The run tag that carries a run's partition key (here: the bill cycle). Checks read
# it because partitioned asset checks are still a preview feature in Dagster.
PARTITION_TAG = "dagster/partition"

# A bill run covers one cycle: a backfill over several cycles runs them one by one,
# in order, and never two writers on the warehouse at once.
# Dagster marks a per-asset backfill policy as beta and would say so at every load.
one_cycle_per_run = BackfillPolicy.multi_run(1)
warnings.filterwarnings("ignore", category=BetaWarning, message=".*backfill_policy.*")
