"""Reports counted from the database: the province's e-payment indicators (`indicators`).

May import: models and the loose modules."""
