"""Officers: console accounts and scope (`accounts`), signing in as a guesser meets it
(`sign_in`) and the units an officer may import for (`import_scope`).

May import: imports, models and the loose modules."""
