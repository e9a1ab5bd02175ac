"""What the screening lists tell whoever depends on them: a list was loaded anew."""
from django.dispatch import Signal

# Sent inside the transaction of a load, with ``source`` (the list's name as loaded, the unit a reload replaces)
# and ``count`` (how many entries it holds now), so that the review domain can screen open requests again.
screening_list_changed = Signal()
