"""The case and whistle workbench (/cases): lists, detail, actions."""
