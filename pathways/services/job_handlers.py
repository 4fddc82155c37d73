"""The job kinds `pathways worker` runs, each with the service function that runs it."""

from __future__ import annotations

from pathways.jobs import JobHandler
from pathways.services import imports, matching_runs, scenarios

HANDLERS: dict[str, JobHandler] = {
    "vacancy_import": imports.run_queued_import,
    matching_runs.JOB_KIND: matching_runs.run_queued_matching,
    scenarios.JOB_KIND: scenarios.run_queued_scenario,
}
