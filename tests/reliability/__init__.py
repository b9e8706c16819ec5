"""Reliability suites: concurrency, crashes, hostile input, disk and permissions."""
