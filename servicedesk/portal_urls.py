"""/portal/…: the customer portal's one `portal:` namespace, assembled from the pages
every app registered (servicedesk/portal.py). Loaded with the root URLconf, after every
AppConfig.ready() has registered its pages."""

from servicedesk import portal

app_name = portal.NAMESPACE

urlpatterns = portal.url_patterns()
