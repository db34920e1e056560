"""django-helpdesk's URLs at the root: its API at /api/tickets/."""

from django.urls import include, path

urlpatterns = [path("", include("helpdesk.urls", namespace="helpdesk"))]
