"""What the bot knows of storage: records, one Protocol per area, and the backends."""
