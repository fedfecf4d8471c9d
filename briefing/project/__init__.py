"""Stages 1-2: a project folder becomes a validated, typed Project."""
