"""The public counter: the tally as JSON, an SVG badge and a web page, for the campaign's
website and the press. Aggregates only: never a member, a chat or where a pledge came from."""
