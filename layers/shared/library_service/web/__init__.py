"""Web pages patrons' browsers see (identity checks now, My Page later), and their headers."""
