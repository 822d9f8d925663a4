def signup(request):
    pass


def study_settings(request):
    pass
