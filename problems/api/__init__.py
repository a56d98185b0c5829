"""The problems app's part of the JSON API (servicedesk/api.py): problems and known
errors for staff integrations, mounted from ProblemsConfig.ready()."""


def register() -> None:
    from problems.api import problems
    from servicedesk.api import register_router
    from servicedesk.api_auth import TOKEN_THROTTLE

    register_router("", problems.router, throttle=TOKEN_THROTTLE)
