"""Site-hub errors, in plain words; they never carry case content."""

from __future__ import annotations

from cstr_desk.errors import CstrDeskError


class HubError(CstrDeskError):
    """A site-hub problem explained for the person at the laptop or the site's administrator."""


class InsecureConnection(HubError):
    """A DSN to a hub on another machine without sslmode=verify-full."""


class HubUnavailable(HubError):
    """The hub cannot be reached, or the connection dropped; nothing half-done is left on either side."""


class HubRefused(HubError):
    """The hub's database refused the request (a role without the privilege, a row that breaks a rule)."""


class BundleError(HubError):
    """A bundle cannot be opened: the wrong key, or its contents do not match their fingerprints."""


class NotLinked(HubError):
    """The laptop has no hub credentials yet."""
