"""Holds (予約): the queue of patrons waiting for a title, and what staff do at the desk."""
