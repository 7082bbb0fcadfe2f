"""Shared building blocks: column types, time, formatting, errors."""
