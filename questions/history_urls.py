"""URLs of the history pages; included by questions/urls.py under the questions namespace."""

urlpatterns = []
