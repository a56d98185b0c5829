"""Intake channels that arrive without a person at the keyboard: inbound email."""
