"""From a canvas to drafts: the context window, hole lengths, decoded drafts, cleaning and ranking."""
