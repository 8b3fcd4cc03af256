"""The typed graph model, stable ids and the stores behind one interface."""
