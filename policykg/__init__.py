"""policykg: Chinese policy documents → a knowledge graph of provisions, agencies and lineage.

The code lives in four packages, read in pipeline order:
``policykg.loaders`` (read, normalise, segment, extract) → ``policykg.graph`` (typed model,
stable ids, stores) → ``policykg.queries`` (questions over a store) → ``policykg.api`` (HTTP, CLI).
"""

from importlib.metadata import version

__version__ = version("policykg")  # pyproject.toml is the one place the version is written
