"""Cross-cutting features beside the kit and the platform: journal, faults, metrics,
purge, outbox; they use both, neither uses them."""
