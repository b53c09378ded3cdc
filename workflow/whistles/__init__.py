"""Whistles (吹哨报到): blowing, reporting in, completing, rating."""
