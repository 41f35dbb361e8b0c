"""wil-assistant: the brain (config, routing, answering, intake, handoff, store, retrieval)."""

__version__ = "0.1.0"
