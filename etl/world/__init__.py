"""The synthetic Hongqiao world: `load_world` generates it by seed and writes it with COPY."""
