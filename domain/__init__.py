"""Shared domain knowledge every layer may import: China's administrative divisions (``regions``),
Chinese numerals (``numerals``), how official names, 文号 and titles are written (``names``), the
directory of government bodies (``bodies``) and the reading of a printed name as a body (``resolution``).

It imports nothing else of policykg; loaders, graph, queries and api all build on it.
"""
