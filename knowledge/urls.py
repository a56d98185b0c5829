from django.urls import path

from knowledge.views import article, edit, history, home, transitions

app_name = "knowledge"

urlpatterns = [
    path("", home.home, name="home"),
    path("new/", edit.create, name="new"),
    path("new/preview/", edit.preview, name="preview"),
    path("<str:number>/", article.detail, name="detail"),
    path("<str:number>/edit/", edit.edit, name="edit"),
    path("<str:number>/preview/", edit.preview, name="edit_preview"),
    path("<str:number>/history/", history.history, name="history"),
    path("<str:number>/feedback/", article.feedback, name="feedback"),
    path("<str:number>/files/<int:pk>/", article.attachment, name="attachment"),
    path("<str:number>/actions/<slug:name>/", transitions.transition, name="transition"),
]
