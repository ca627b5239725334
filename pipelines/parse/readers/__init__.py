"""Format readers: each turns bytes into a model.Document (rows of cells + running text)."""
