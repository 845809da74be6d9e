"""Seed data: the real geography of the regio Utrecht and a fictional demo coalition."""
