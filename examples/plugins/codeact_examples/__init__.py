"""Example codeact plugins, one per seam; see ../pyproject.toml for their entry points."""
