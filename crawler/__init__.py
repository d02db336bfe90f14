"""reachability: measure how many taps it takes to reach a human in customer service."""

__version__ = "0.1.0"
