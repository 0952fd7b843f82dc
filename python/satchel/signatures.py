"""The signatures (typing Protocols) generated from the spec; see ``_units/signatures.py``."""

from ._units.signatures import *  # noqa: F403
