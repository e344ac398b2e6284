from django.contrib.auth import views as auth_views
from django.urls import path

from workflow import views
from workflow.forms import LoginForm

app_name = "workflow"

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "masuk/",
        auth_views.LoginView.as_view(
            template_name="workflow/login.html",
            authentication_form=LoginForm,
            redirect_authenticated_user=True,
        ),
        name="login",
    ),
    path("keluar/", auth_views.LogoutView.as_view(), name="logout"),
]
