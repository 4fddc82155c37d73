"""The job kinds `pathways worker` knows. Each handler lives with its service."""

from pathways.jobs import handler  # noqa: F401

# Handlers register themselves on import; list the modules that define them here.
HANDLER_MODULES: list[str] = ["pathways.services.imports"]

for _module in HANDLER_MODULES:
    __import__(_module)
