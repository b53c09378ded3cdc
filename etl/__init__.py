"""Getting data in: the synthetic Hongqiao world, file importers, the live patrol simulator."""
