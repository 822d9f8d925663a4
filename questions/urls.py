from django.urls import path

from questions import history_urls, mock_urls, views

app_name = "questions"

urlpatterns = [
    path("", views.home, name="home"),
    path("questions/", views.question_list, name="list"),
    path("questions/<int:pk>/", views.question_detail, name="detail"),
    path("questions/<int:pk>/answer/", views.question_answer, name="answer"),
    path("practice/", views.practice, name="practice"),
    path("practice/random/", views.practice_random, name="practice_random"),
    path("practice/progress/", views.progress, name="progress"),
    path("practice/<int:pk>/", views.practice_question, name="practice_question"),
    path("practice/<int:pk>/reveal/", views.reveal, name="reveal"),
    path("practice/<int:pk>/grade/", views.grade, name="grade"),
]

urlpatterns += history_urls.urlpatterns + mock_urls.urlpatterns
