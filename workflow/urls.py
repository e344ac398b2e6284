from allauth.account.views import LoginView
from django.contrib.auth import views as auth_views
from django.urls import path

from workflow import views
from workflow.issuance import views as issuance_views
from workflow.views import inbox, tasks

app_name = "workflow"

TASK = "staf/tugas/<int:process_pk>/<slug:step>/<int:task_pk>/"
staff_urlpatterns = [
    path("staf/", inbox.task_list_page, {"which": "inbox"}, name="inbox"),
    path("staf/antrean/", inbox.task_list_page, {"which": "queue"}, name="queue"),
    path("staf/arsip/", inbox.task_list_page, {"which": "archive"}, name="archive"),
    path(
        "staf/kantor/", inbox.task_list_page, {"which": "supervised"}, name="supervised"
    ),
    path(TASK, tasks.task_page, name="task"),
    path(f"{TASK}klaim/", tasks.task_claim, name="task_claim"),
    path(f"{TASK}lepas/", tasks.task_release, name="task_release"),
    path(f"{TASK}alihkan/", tasks.task_reassign, name="task_reassign"),
]

urlpatterns = [
    path("", views.home, name="home"),
    # The one sign-in page: allauth's view, so that its rate limits apply.
    path(
        "masuk/", LoginView.as_view(template_name="workflow/login.html"), name="login"
    ),
    path("keluar/", auth_views.LogoutView.as_view(), name="logout"),
    *staff_urlpatterns,
    *issuance_views.urlpatterns,
]
