"""What the changes app adds to the other apps, registered from ChangesConfig.ready():
its panels on the ticket, problem and article pages (changes/panels.py), the word to the
problem manager when a fix is implemented and the planned-maintenance mail to customers
(changes/receivers.py, changes/notifications.py, changes/tasks.py), planned maintenance
in the portal (changes/portal.py) and its router in the JSON API (changes/api/)."""


def register() -> None:
    from changes import (
        api,
        notifications,
        panels,
        portal,
        receivers,  # noqa: F401  (connects the signal receivers)
    )

    panels.register()
    notifications.register_events()
    portal.register()
    api.register()
