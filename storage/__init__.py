"""All SQL of the bot: the database, its migrations and one module per table family."""
