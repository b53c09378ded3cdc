"""Page layouts (layout only, no callbacks): one module per page, looked up by path."""
