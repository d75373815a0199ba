"""The web platform: routing, validation, problems, bodies, headers, the vendor
declaration; uses the kit, never the features."""
