from django.urls import path

from . import views

P = "v1.1/<str:project_id>"
urlpatterns = [
    path("v3/auth/tokens", views.iam_tokens, name="sandbox-iam-tokens"),
    path(f"{P}/clusters", views.clusters, name="sandbox-clusters"),
    path(f"{P}/clusters/job", views.random_cluster_job, name="sandbox-random-job"),
    path(f"{P}/clusters/<str:cluster_id>", views.cluster_detail, name="sandbox-cluster"),
    path(f"{P}/clusters/<str:cluster_id>/cdm/job", views.create_job, name="sandbox-create-job"),
    path(f"{P}/clusters/<str:cluster_id>/cdm/link", views.create_link, name="sandbox-create-link"),
    path(f"{P}/clusters/<str:cluster_id>/cdm/link/<str:link_name>", views.link, name="sandbox-link"),
    path(f"{P}/clusters/<str:cluster_id>/cdm/submissions", views.submissions, name="sandbox-submissions"),
    path(f"{P}/clusters/<str:cluster_id>/cdm/job/<str:job_name>", views.job, name="sandbox-job"),
    path(f"{P}/clusters/<str:cluster_id>/cdm/job/<str:job_name>/start", views.job_start, name="sandbox-job-start"),
    path(f"{P}/clusters/<str:cluster_id>/cdm/job/<str:job_name>/stop", views.job_stop, name="sandbox-job-stop"),
    path(f"{P}/clusters/<str:cluster_id>/cdm/job/<str:job_name>/status", views.job_status, name="sandbox-job-status"),
]
