from django.urls import path

from . import views

urlpatterns = [
    path("teams/<slug:slug>/", views.team_detail, name="team"),
    path("teams/<slug:slug>/members/<int:user_id>/remove/", views.member_remove, name="member-remove"),
    path("teams/<slug:slug>/targets/new/", views.target_edit, name="team-target-add"),
    path("teams/<slug:slug>/targets/<int:target_id>/", views.target_edit, name="team-target"),
]
