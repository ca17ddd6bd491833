"""Database and state plumbing: engines, sessions and migrations (`db`), the write paths of
each database (`pg_writes`, `sqlite_writes`), the schema check (`schema_status`), reference
data and its cache (`reference`, `reference_cache`), state that outlives a request
(`state`, `dedupe`) and the disk spool for messages the database cannot take yet (`spool`).

May import: models, imports.providers and the loose modules. Nothing of the conversation,
the outbox or the channels."""
