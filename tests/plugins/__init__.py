"""Test-only methodology plugins, written against :mod:`reductions.plugin` alone.

Each module imports nothing from ``reductions`` but ``reductions.plugin``: they show that
a third party can write a methodology with several monitoring tables, extra dimensions,
declared resolutions, balances and findings. ``PLUGINS`` is what the tests pass as
``available=`` (or put in place of the installed table for the command line);
``projects.py`` writes the projects they run on.
"""

from __future__ import annotations

from .baseline import BaselineToy
from .flare import FlareToy
from .meters import MetersToy

PLUGINS = {cls.key(): cls for cls in (FlareToy, BaselineToy, MetersToy)}

__all__ = ["PLUGINS", "BaselineToy", "FlareToy", "MetersToy"]
