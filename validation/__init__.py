"""Published validation cases, shipped with reductions so that ``reductions validate`` works
from any folder. Each ``cases/<case>/`` holds ``project.toml``, its data and
``expected.toml`` (the published figures, their tolerance and their source); the runner
is :mod:`reductions.validation`.
"""
