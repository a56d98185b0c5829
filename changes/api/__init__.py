"""The changes app's part of the JSON API (servicedesk/api.py): change requests for staff
integrations, mounted from ChangesConfig.ready() (changes/integration.py)."""


def register() -> None:
    from changes.api import changes
    from servicedesk.api import register_router
    from servicedesk.api_auth import TOKEN_THROTTLE

    register_router("", changes.router, throttle=TOKEN_THROTTLE)
