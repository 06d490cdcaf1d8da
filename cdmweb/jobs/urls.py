from django.urls import path

from . import views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("drafts/new/", views.draft_create, name="draft-create"),
    path("drafts/import/", views.import_view, name="draft-import"),
    path("drafts/<int:pk>/", views.designer, name="designer"),
    path("drafts/<int:pk>/delete/", views.draft_delete, name="draft-delete"),
    path("drafts/<int:pk>/header/", views.header_update, name="header-update"),
    path("drafts/<int:pk>/preview/", views.preview, name="preview"),
    path("drafts/<int:pk>/watch/", views.draft_watch, name="draft-watch"),
    path("drafts/<int:pk>/export.json", views.export, name="export"),
    path("drafts/<int:pk>/sides/<str:side>/groups/", views.group_add, name="group-add"),
    path("drafts/<int:pk>/groups/<int:group_id>/delete/", views.group_delete, name="group-delete"),
    path("drafts/<int:pk>/groups/<int:group_id>/inputs/", views.input_add, name="input-add"),
    path("drafts/<int:pk>/inputs/<int:input_id>/", views.input_update, name="input-update"),
    path("drafts/<int:pk>/inputs/<int:input_id>/delete/", views.input_delete, name="input-delete"),
    path("drafts/<int:pk>/inputs/<int:input_id>/move/", views.input_move, name="input-move"),
    path("drafts/<int:pk>/submit/", views.submit_view, name="submit"),
    path("submissions/<int:pk>/", views.submission_detail, name="submission"),
    path("drafts/<int:pk>/history/", views.history, name="history"),
    path("drafts/<int:pk>/revisions/<int:number>/restore/", views.restore, name="restore"),
    path("drafts/<int:pk>/share/", views.draft_share, name="draft-share"),
    path("drafts/<int:pk>/review/", views.review_request, name="review-request"),
    path("drafts/<int:pk>/comments/", views.comment_add, name="comment-add"),
    path("reviews/", views.review_queue, name="review-queue"),
    path("reviews/<int:pk>/", views.review_detail, name="review"),
]
