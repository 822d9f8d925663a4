"""URLs of the mock pages; included by questions/urls.py under the questions namespace."""

urlpatterns = []
