"""Catalogue import: Aozora Bunko's list and the generic CSV/TSV format, into DynamoDB."""
