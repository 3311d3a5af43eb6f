"""One module per screen; content screens derive from `base.JournalScreen`."""
