"""The incidents app's part of the JSON API (servicedesk/api.py): tickets for
integrations (platform API tokens) and alerts for monitoring systems (alert sources'
tokens), mounted from IncidentsConfig.ready()."""


def register() -> None:
    from incidents.api import alert_receivers, alerts, tickets
    from incidents.api.auth import ALERT_SOURCE_THROTTLE
    from servicedesk.api import register_router
    from servicedesk.api_auth import TOKEN_THROTTLE

    register_router("", alerts.router, throttle=ALERT_SOURCE_THROTTLE)
    register_router("", alert_receivers.router, throttle=ALERT_SOURCE_THROTTLE)
    register_router("", tickets.router, throttle=TOKEN_THROTTLE)
