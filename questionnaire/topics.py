"""The topics vocabulary of checks (``topic`` of every registry entry)."""

from __future__ import annotations

TOPICS = frozenset(
    {"residency", "auditability", "guardrails", "network", "agents", "secrets", "identity", "coding_agents", "training", "processor"}
)
