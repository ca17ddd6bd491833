"""Every message that leaves: written to the outbox in the transaction that causes it
(`writes`, many at once in `bulk`), claimed and sent by the dispatchers (`dispatch`) within
the providers' limits (`ratelimit`), what a failed delivery means for the person
(`delivery`), the rows given up on (`dead_letters`) and how long rows are kept (`retention`).

May import: models and the loose modules only, so every package may write to it. Never a
provider SDK: the senders live in the channels."""
