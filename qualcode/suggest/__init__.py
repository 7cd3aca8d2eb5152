"""Assisted coding: deductive, learned and inductive suggestions, reviewed by a person."""
