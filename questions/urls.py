"""Every page of the app, grouped by the subpackage that serves it (see the README's layout)."""

from django.urls import path

from questions.accounts import deletion
from questions.progress import exports, history_views, stats_views
from questions.study import (
    browse_views,
    control_views,
    mock_views,
    notes_views,
    practice_views,
    recording_views,
    schedule_views,
)

app_name = "questions"

urlpatterns = [
    # The bank as a learner browses it (questions/study/browse_views.py).
    path("", browse_views.home, name="home"),
    path("questions/", browse_views.question_list, name="list"),
    path("questions/<int:pk>/", browse_views.question_detail, name="detail"),
    path("questions/<int:pk>/answer/", browse_views.question_answer, name="answer"),
    # Practice (questions/study/practice_views.py; skip, suspend, their undo: control_views.py).
    path("questions/<int:pk>/report/", practice_views.report, name="report"),
    path("practice/", practice_views.practice, name="practice"),
    path("practice/random/", practice_views.practice_random, name="practice_random"),
    path("practice/undo/", practice_views.undo, name="undo"),
    path("practice/undo-control/", control_views.undo_control, name="undo_control"),
    path("practice/more-new/", practice_views.more_new, name="more_new"),
    path("practice/<int:pk>/", practice_views.practice_question, name="practice_question"),
    path("practice/<int:pk>/hint/", practice_views.hint, name="hint"),
    path("practice/<int:pk>/reveal/", practice_views.reveal, name="reveal"),
    path("practice/<int:pk>/grade/", practice_views.grade, name="grade"),
    path("practice/<int:pk>/skip/", control_views.skip, name="skip"),
    path("practice/<int:pk>/suspend/", control_views.suspend, name="suspend"),
    # Spoken answers, to their owner only (questions/study/recording_views.py).
    path("recordings/<int:pk>/", recording_views.serve, name="recording"),
    path("recordings/<int:pk>/delete/", recording_views.delete, name="recording_delete"),
    # Stars and notes (questions/study/notes_views.py).
    path("questions/<int:pk>/star/", notes_views.star, name="star"),
    path("questions/<int:pk>/note/", notes_views.note, name="note"),
    # Mock interviews (questions/study/mock_views.py).
    path("mock/", mock_views.mock_list, name="mock_list"),
    path("mock/new/", mock_views.mock_new, name="mock_new"),
    path("mock/<int:pk>/", mock_views.mock_detail, name="mock_detail"),
    path("mock/<int:pk>/answer/", mock_views.mock_answer, name="mock_answer"),
    path("mock/<int:pk>/items/<int:item_id>/grade/", mock_views.mock_grade, name="mock_grade"),
    # A schedule fitted to the learner, in Settings (questions/study/schedule_views.py).
    path("schedule/", schedule_views.panel, name="schedule_panel"),
    path("schedule/personalise/", schedule_views.personalise, name="personalise"),
    path("schedule/reset/", schedule_views.reset, name="schedule_reset"),
    path("schedule/retention/", schedule_views.choose_retention, name="choose_retention"),
    # History, progress and the user's exports (questions/progress/).
    path("history/", history_views.history, name="history"),
    path("history/<int:pk>/", history_views.attempt_detail, name="attempt"),
    path("history/export.csv", exports.export_csv, name="history_export_csv"),
    path("history/export.json", exports.export_json, name="history_export_json"),
    path("stats/", stats_views.progress_stats, name="stats"),
    # The account (questions/accounts/).
    path("accounts/delete/", deletion.account_delete, name="account_delete"),
]
