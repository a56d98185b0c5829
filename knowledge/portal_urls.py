"""The portal's help articles: mounted under /portal/ in the portal: namespace by
servicedesk.portal (registered in knowledge/portal.py)."""

from django.urls import path

from knowledge.views import portal

urlpatterns = [
    path("kb/", portal.search, name="kb"),
    path("kb/suggestions/", portal.suggestions, name="kb_suggestions"),
    path("kb/<str:number>/", portal.article, name="kb_article"),
    path("kb/<str:number>/feedback/", portal.feedback, name="kb_feedback"),
    path("kb/<str:number>/files/<int:pk>/", portal.attachment, name="kb_file"),
]
