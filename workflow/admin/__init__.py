"""Setting a district up: accounts and their scopes, departments, categories, workers' grids,
each change written to the append-only admin audit in the same transaction.
"""
