from django.urls import path

from .views import dashboard, designer, drafts, editing, reviews, submissions, teams

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("drafts/new/", drafts.draft_create, name="draft-create"),
    path("drafts/import/", drafts.import_view, name="draft-import"),
    path("drafts/<int:pk>/delete/", drafts.draft_delete, name="draft-delete"),
    path("drafts/<int:pk>/export.json", drafts.export, name="export"),
    path("drafts/<int:pk>/", designer.designer, name="designer"),
    path("drafts/<int:pk>/preview/", designer.preview, name="preview"),
    path("drafts/<int:pk>/watch/", designer.draft_watch, name="draft-watch"),
    path("drafts/<int:pk>/header/", editing.header_update, name="header-update"),
    path("drafts/<int:pk>/sides/<str:side>/groups/", editing.group_add, name="group-add"),
    path("drafts/<int:pk>/groups/<int:group_id>/delete/", editing.group_delete, name="group-delete"),
    path("drafts/<int:pk>/groups/<int:group_id>/inputs/", editing.input_add, name="input-add"),
    path("drafts/<int:pk>/inputs/<int:input_id>/", editing.input_update, name="input-update"),
    path("drafts/<int:pk>/inputs/<int:input_id>/delete/", editing.input_delete, name="input-delete"),
    path("drafts/<int:pk>/inputs/<int:input_id>/move/", editing.input_move, name="input-move"),
    path("drafts/<int:pk>/history/", reviews.history, name="history"),
    path("drafts/<int:pk>/revisions/<int:number>/restore/", reviews.restore, name="restore"),
    path("drafts/<int:pk>/share/", reviews.draft_share, name="draft-share"),
    path("drafts/<int:pk>/review/", reviews.review_request, name="review-request"),
    path("drafts/<int:pk>/comments/", reviews.comment_add, name="comment-add"),
    path("reviews/", reviews.review_queue, name="review-queue"),
    path("reviews/<int:pk>/", reviews.review_detail, name="review"),
    path("drafts/<int:pk>/submit/", submissions.submit_view, name="submit"),
    path("submissions/<int:pk>/", submissions.submission_detail, name="submission"),
    path("teams/<slug:slug>/", teams.team_detail, name="team"),
    path("teams/<slug:slug>/members/<int:user_id>/remove/", teams.member_remove, name="member-remove"),
    path("teams/<slug:slug>/targets/new/", teams.target_edit, name="team-target-add"),
    path("teams/<slug:slug>/targets/<int:target_id>/", teams.target_edit, name="team-target"),
]
