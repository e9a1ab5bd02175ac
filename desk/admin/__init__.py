"""The desk's ModelAdmins, registered on the admin site when Django's admin autodiscovers ``desk.admin``."""
from desk.admin import catalog, licences, requests

__all__ = ["catalog", "licences", "requests"]
