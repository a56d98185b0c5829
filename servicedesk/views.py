from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from servicedesk.workspaces import landing_for


def home(request: HttpRequest) -> HttpResponse:
    """Each role lands on its own workspace."""
    return redirect(landing_for(request.user))


def no_workspace(request: HttpRequest) -> HttpResponse:
    return render(request, "servicedesk/no_workspace.html", status=403)
