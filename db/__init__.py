"""db/: the sendwatch schema (declared once) and the store that writes to it."""
