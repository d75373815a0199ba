"""The state kit: clock, store, identities, sessions, tokens, keys, rate limits; imports
neither the web platform nor the features."""
