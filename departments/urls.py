from django.urls import path

from departments import views

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("<slug:municipality_slug>/", views.DashboardView.as_view(), name="dashboard"),
]
