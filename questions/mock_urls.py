"""URLs of the mock pages; included by questions/urls.py under the questions namespace."""

from django.urls import path

from questions import mock_views

urlpatterns = [
    path("mock/", mock_views.mock_list, name="mock_list"),
    path("mock/new/", mock_views.mock_new, name="mock_new"),
    path("mock/<int:pk>/", mock_views.mock_detail, name="mock_detail"),
    path("mock/<int:pk>/answer/", mock_views.mock_answer, name="mock_answer"),
    path("mock/<int:pk>/items/<int:item_id>/grade/", mock_views.mock_grade, name="mock_grade"),
    path("questions/<int:pk>/star/", mock_views.star, name="star"),
    path("questions/<int:pk>/note/", mock_views.note, name="note"),
]
