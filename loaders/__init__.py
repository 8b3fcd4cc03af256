"""Read documents, normalise their text, cut them into provisions and extract entities."""
