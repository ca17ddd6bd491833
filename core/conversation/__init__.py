"""The conversation: one inbound message in, the replies out, on any channel.

`inbound_reply` (Inbound, Reply) is what channels speak with the core; `dialog` runs a turn
(`turn`, `choose`, `personal`, `service`) in its own transaction (`turn_unit`); who is writing
(`identity`), linking a phone or a chat (`registration`, `linking`), questions everyone asks
(`knowledge`), channel limits (`render`) and the chats' welcome and buttons (`chat_menu`).

May import: answers, nlu, complaints, notify, outbox, storage, privacy, models and the
loose modules. Never a channel, the console or ansinh."""
