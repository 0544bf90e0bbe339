"""Built-in methodology plugins, one subpackage per family.

They register under the entry-point group ``reductions.methodologies`` in
``pyproject.toml``, exactly as a third-party plugin would; the engine never imports them.
"""
