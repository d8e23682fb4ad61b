"""Reliability figures: hostile traffic, keystroke storms, hostile documents and checkpoints, serve-http under load."""
