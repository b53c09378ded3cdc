"""Administration (/admin): people, departments, categories, grid workers, the audit log."""
