"""What the problems app adds to the other apps, registered from ProblemsConfig.ready():
its panels on the ticket and article pages (problems/panels.py), the mail to contacts
when a problem is resolved (problems/receivers.py, problems/notifications.py) and its
router in the JSON API (problems/api/)."""


def register() -> None:
    from problems import (
        api,
        notifications,
        panels,
        receivers,  # noqa: F401  (connects the signal receivers)
    )

    panels.register()
    notifications.register_events()
    api.register()
