"""Shared domain knowledge every layer may import: China's administrative divisions (``regions``),
Chinese numerals (``numerals``) and how official names, 文号 and titles are written (``names``).

It imports nothing else of policykg; loaders, graph, queries and api all build on it.
"""
