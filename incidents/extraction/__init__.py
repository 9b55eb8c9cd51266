"""The parts of article extraction: date phrases, places, cues (triggers, casualties, attribution)."""
