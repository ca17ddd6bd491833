"""AnSinh's channel-agnostic core: data, imports, understanding, answers and the outbox.

Nothing here imports a web framework, a bot library or a provider SDK.
"""
