"""Needs (需求): the priority formulas, free of the web layer."""
