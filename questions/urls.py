from django.urls import path

from questions import history_urls, mock_urls, practice_views, views

app_name = "questions"

urlpatterns = [
    path("", views.home, name="home"),
    path("questions/", views.question_list, name="list"),
    path("questions/<int:pk>/", views.question_detail, name="detail"),
    path("questions/<int:pk>/answer/", views.question_answer, name="answer"),
    path("questions/<int:pk>/report/", practice_views.report, name="report"),
    path("practice/", practice_views.practice, name="practice"),
    path("practice/random/", practice_views.practice_random, name="practice_random"),
    path("practice/progress/", practice_views.progress, name="progress"),
    path("practice/undo/", practice_views.undo, name="undo"),
    path("practice/<int:pk>/", practice_views.practice_question, name="practice_question"),
    path("practice/<int:pk>/hint/", practice_views.hint, name="hint"),
    path("practice/<int:pk>/reveal/", practice_views.reveal, name="reveal"),
    path("practice/<int:pk>/grade/", practice_views.grade, name="grade"),
    path("practice/<int:pk>/skip/", practice_views.skip, name="skip"),
    path("practice/<int:pk>/suspend/", practice_views.suspend, name="suspend"),
]

urlpatterns += history_urls.urlpatterns + mock_urls.urlpatterns
