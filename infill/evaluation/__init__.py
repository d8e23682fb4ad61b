"""Evaluation harnesses and benchmarks; the engine never imports this package."""
