"""AnSinh's channel-agnostic core, in packages named by what they do: conversation, presenters
(the USSD menu), nlu, answers, outbox, storage, imports, notify, broadcasts, complaints, officers,
privacy, reports, models and migrations; a few loose modules every package uses (settings, clock,
i18n, phones, vietnamese_text, abuse). Each package's __init__ says what it may import.

Nothing here imports a web framework, a bot library or a provider SDK, nor ansinh (the demo lives
in ansinh/demo).
"""
