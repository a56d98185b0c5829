from django.urls import path

from incidents.views import attachments, cc, choices, log_call, quarantine, queues, search, ticket

app_name = "incidents"

urlpatterns = [
    path("", search.jump, name="jump"),
    path("search/", search.search, name="search"),
    path("choices/assignees/", choices.assignees, name="assignee_choices"),
    path("triage/", queues.triage, name="triage"),
    path("queue/l2/", queues.queue_l2, name="queue_l2"),
    path("queue/l3/", queues.queue_l3, name="queue_l3"),
    path("mine/", queues.mine, name="mine"),
    path("open/", queues.overview, name="overview"),
    path("sla/", queues.sla_dashboard, name="sla"),
    path("new/", log_call.log_call, name="log_call"),
    path("new/priority/", log_call.priority_preview, name="priority_preview"),
    path("new/contacts/", log_call.contact_search, name="contact_search"),
    path("new/contacts/<int:pk>/", log_call.contact_pick, name="contact_pick"),
    path("new/configuration-items/", log_call.configuration_items, name="configuration_items"),
    path("quarantine/", quarantine.index, name="quarantine"),
    path("quarantine/<int:pk>/", quarantine.detail, name="quarantine_detail"),
    path("quarantine/<int:pk>/accept/", quarantine.accept, name="quarantine_accept"),
    path("quarantine/<int:pk>/add/", quarantine.add_to_ticket, name="quarantine_add"),
    path("quarantine/<int:pk>/discard/", quarantine.discard, name="quarantine_discard"),
    path("quarantine/<int:pk>/original/", quarantine.original, name="quarantine_original"),
    path(
        "quarantine/<int:pk>/attachments/<int:index>/",
        quarantine.attachment,
        name="quarantine_attachment",
    ),
    path("<str:number>/", ticket.detail, name="detail"),
    path("<str:number>/actions/<slug:key>/", ticket.action, name="action"),
    path("<str:number>/classify/", ticket.classify, name="classify"),
    path("<str:number>/sla/", ticket.sla_panel, name="sla_panel"),
    path("<str:number>/confirm-urgency/", ticket.confirm_urgency, name="confirm_urgency"),
    path("<str:number>/comments/", ticket.comment, name="comment"),
    path("<str:number>/cc/", cc.cc_view, name="cc"),
    path("<str:number>/cc/<int:pk>/remove/", cc.cc_remove, name="cc_remove"),
    path("<str:number>/attachments/<int:pk>/", attachments.download, name="attachment"),
    path("<str:number>/emails/<int:pk>/", quarantine.source_email, name="source_email"),
]
