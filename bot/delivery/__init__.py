"""Everything the bot says on its own: the outbox publisher and the delivery workers."""
