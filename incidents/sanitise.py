# Kept until incidents.services imports servicedesk.sanitise (the lead removes it at merge).
from servicedesk.sanitise import clean_html, clean_text, html_to_text  # noqa: F401
