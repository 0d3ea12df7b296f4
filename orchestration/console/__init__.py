"""The support console: a small read-only web app for call-centre agents
(`cablebill console`). It reads the home's publication (orchestration/publish.py)
and the files the bill runs wrote, never the warehouse, so it keeps working while
a run holds the home."""
