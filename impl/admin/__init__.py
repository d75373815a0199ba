"""The emulator's own API: health, reset, fixtures and the shared clock."""
