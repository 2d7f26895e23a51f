"""Data-use requests: register, working-day SLA, safe releases, signed handover packages."""
