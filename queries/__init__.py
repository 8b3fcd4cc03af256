"""Questions over the graph, as plain functions of a store (see graph.store.GraphStore)."""
