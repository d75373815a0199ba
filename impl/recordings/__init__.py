"""Recordings of real vendor traffic, and Sessim's own: what `sessim record` writes through
its proxy, what `sessim replay` reads (HAR 1.2, vcrpy's YAML cassettes) and replays against a
running Sessim with a report of every difference, and the journal exported as HAR."""
