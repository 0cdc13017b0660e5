"""Rules, one module per guide section."""
