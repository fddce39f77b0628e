"""The catalogue: records, copies, libraries, and Japanese search over titles and authors."""
