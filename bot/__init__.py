"""quitgpt-bot runtime: configuration, start-up, adapters and scheduling."""
