"""Trained runs: training one end to end (pipeline), transfer and pseudo-labelling rules, run
directories and the Predictor that every caller shares, soft votes, and evaluation."""
