"""Development tools as a Django app of their own: the load-data generator (manage.py
generate_load_data) and the benchmark's ceiling page (urls.py).

Installed only in development, under tests and for benchmarks (interview_prep/settings.py:
DJANGO_DEBUG=1, pytest, DJANGO_BENCHMARK=1). The image leaves scripts/ out (.dockerignore), so
production neither ships this code nor lists its commands in `manage.py help`.
"""
