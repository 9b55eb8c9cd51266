"""incident-map: news reports to incidents on a map."""
