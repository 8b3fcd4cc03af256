"""policykg: Chinese policy documents → a knowledge graph of provisions, agencies and lineage.

The code lives in five packages besides this one, read in pipeline order: ``policykg.domain``
(regions, numerals, names, the directory of government bodies; any layer may import it) →
``policykg.loaders`` (read, normalise, segment, extract) → ``policykg.graph`` (typed model, stable
ids, stores, linkers) → ``policykg.queries`` (questions over a store) → ``policykg.api`` (HTTP, CLI,
web pages). ARCHITECTURE.md says how they fit.
"""

from importlib.metadata import version

__version__ = version("policykg")  # pyproject.toml is the one place the version is written
