"""Fitting: optimisers, schedules and the training loop."""
