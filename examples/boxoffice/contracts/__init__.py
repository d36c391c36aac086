"""Box office: venues and their events, per organisation."""
