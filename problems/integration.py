"""What the problems app adds to the other apps, registered from ProblemsConfig.ready():
its panels on the ticket and article pages (problems/panels.py) and on the desk
manager's dashboard (problems/dashboard.py), the mail to contacts
when a problem is resolved (problems/receivers.py, problems/notifications.py) and its
router in the JSON API (problems/api/), and the ticket list's bulk link to a problem
(problems/bulk.py)."""


def register() -> None:
    from problems import (
        api,
        bulk,
        dashboard,
        notifications,
        panels,
        receivers,  # noqa: F401  (connects the signal receivers)
    )
    from servicedesk.dashboard import register_panel

    panels.register()
    register_panel(dashboard.PANEL)
    notifications.register_events()
    api.register()
    bulk.register()
