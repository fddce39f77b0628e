"""The dialogue with a patron: steps, wording and menus. Knows LINE messages, not AWS."""
