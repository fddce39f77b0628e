"""Patron records for library staff and support: counter registration, lookup, LINE links."""
