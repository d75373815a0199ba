"""Vendor-neutral mechanics in two layers, the state kit (kit/) and the web platform
(web/), with the cross-cutting features (features/) beside them."""
