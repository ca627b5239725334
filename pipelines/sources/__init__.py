"""Agency catalog and source registries (see docs/architecture.md)."""
from .registry import (DEFAULTS, FAMILIES, Agency, Registry, Source, load_agencies, load_registry,
                       resolve_local_path)

__all__ = ["Agency", "Source", "Registry", "load_agencies", "load_registry", "resolve_local_path",
           "FAMILIES", "DEFAULTS"]
