"""What the catalog tells whoever depends on it: a change to chips that alters how orders score."""
from django.dispatch import Signal

# Sent inside the transaction that changed the catalog, with ``chip`` (the one changed, or None for a load of
# many), ``reason`` (a sentence) and ``triggered_by`` (a user, or None). Receivers return what they started.
catalog_changed = Signal()
