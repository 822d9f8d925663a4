"""Spoken answers: uploaded with the reveal or the mock answer, checked from their bytes, kept
private to their owner, played back with byte ranges, and removed with their attempt, their
account or, orphaned, by the sweep."""

import json
import os
import uuid
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from questions.study import mock, recordings
from questions.study.models import Attempt, MockStatus
from questions.study.recordings import Recording
from tests.audio_samples import make_ogg, make_webm
from tests.factories import make_attempt, make_question, make_questions, make_user
from tests.helpers import grade, reveal, token_from

HTMX = {"HTTP_HX_REQUEST": "true"}
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 200


def webm(seconds=3.0, name="answer.webm", content_type="audio/webm"):
    return SimpleUploadedFile(name, make_webm(seconds), content_type=content_type)


def _fields(recording):
    """A recording's fields, to make another like it."""
    names = ["user", "question", "reveal_token", "file_name", "content_type", "size", "duration"]
    return {name: getattr(recording, name) for name in names}


def stored_files(directory):
    return sorted(p.relative_to(directory).as_posix() for p in directory.rglob("*") if p.is_file())


@pytest.fixture
def recorded(alice_client, question, recordings_dir):
    """alice revealed `question` with a 3-second WebM and graded it."""
    response = reveal(alice_client, question, recording=webm())
    assert response.status_code == 200
    grade(alice_client, question, token=token_from(response))
    return Recording.objects.get()


class TestUploadWithTheReveal:
    def test_it_keeps_a_webm_recording_and_plays_it_beside_the_reference(
        self, alice_client, alice, question, recordings_dir
    ):
        response = reveal(alice_client, question, recording=webm(3.0))
        body = response.content.decode()
        recording = Recording.objects.get()
        assert recording.user == alice and recording.question == question
        assert recording.content_type == "audio/webm"
        assert recording.duration == timedelta(seconds=3)
        assert recording.attempt is None
        assert f'src="{recording.get_absolute_url()}"' in body
        assert "0:03" in body
        assert 'id="reference"' in body
        assert stored_files(recordings_dir) == [recording.file_name]

    def test_it_keeps_an_ogg_recording_as_firefox_writes_it(
        self, alice_client, question, recordings_dir
    ):
        upload = SimpleUploadedFile("answer.ogg", make_ogg(12.5), content_type="audio/ogg")
        reveal(alice_client, question, recording=upload)
        recording = Recording.objects.get()
        assert recording.content_type == "audio/ogg"
        assert recording.duration == timedelta(seconds=12.5)
        assert recording.file_name.endswith(".ogg")

    def test_it_reads_the_type_from_the_bytes_not_from_the_client(
        self, alice_client, question, recordings_dir
    ):
        upload = webm(name="answer.mp3", content_type="audio/mpeg")
        reveal(alice_client, question, recording=upload)
        recording = Recording.objects.get()
        assert recording.content_type == "audio/webm"
        assert recording.file_name.endswith(".webm")

    @pytest.mark.parametrize("htmx", [True, False])
    def test_it_refuses_a_renamed_file_that_is_not_audio(
        self, alice_client, question, recordings_dir, htmx
    ):
        upload = SimpleUploadedFile("answer.webm", PNG, content_type="audio/webm")
        response = reveal(
            alice_client, question, text="my typed answer", recording=upload, htmx=htmx
        )
        body = response.content.decode()
        assert response.status_code == 200
        assert "not an audio recording this site can keep" in body
        # The question is shown again with the typed answer, not the reference.
        assert "my typed answer" in body and 'id="reference"' not in body
        assert Recording.objects.count() == 0
        assert stored_files(recordings_dir) == []

    def test_it_refuses_opus_with_a_video_track(self, alice_client, question, recordings_dir):
        upload = SimpleUploadedFile("a.webm", make_webm(2, track_type=1), content_type="video/webm")
        response = reveal(alice_client, question, recording=upload)
        assert "not an audio recording" in response.content.decode()
        assert Recording.objects.count() == 0

    def test_it_refuses_a_file_over_the_size_limit(
        self, alice_client, question, recordings_dir, settings
    ):
        settings.RECORDING_MAX_MB = 1
        big = make_webm(3) + b"\0" * (1024 * 1024)
        upload = SimpleUploadedFile("answer.webm", big, content_type="audio/webm")
        response = reveal(alice_client, question, recording=upload)
        assert "larger than 1 MB" in response.content.decode()
        assert Recording.objects.count() == 0

    def test_it_refuses_a_recording_over_the_length_limit(
        self, alice_client, question, recordings_dir
    ):
        response = reveal(alice_client, question, recording=webm(310))
        assert "longer than 5:00" in response.content.decode()
        assert Recording.objects.count() == 0

    def test_it_refuses_a_recording_when_the_learners_storage_is_full(
        self, alice_client, question, recordings_dir, settings
    ):
        settings.RECORDINGS_QUOTA_MB = 1
        first = make_question(topic=question.topic, title="Another")
        reveal(alice_client, first, recording=webm(200))  # ~160 KB
        settings.RECORDINGS_QUOTA_MB = 0
        response = reveal(alice_client, question, recording=webm(3))
        body = response.content.decode()
        assert "of your 0 MB: this one was not kept" in body
        assert "Delete old recordings from your History" in body
        assert Recording.objects.count() == 1

    def test_a_second_upload_for_the_same_reveal_replaces_the_first(
        self, alice_client, question, recordings_dir, django_capture_on_commit_callbacks
    ):
        page = alice_client.get(reverse("questions:practice_question", args=[question.pk]))
        token = token_from(page)
        url = reverse("questions:reveal", args=[question.pk])
        for seconds in (2, 4):
            data = {"token": token, "text": "", "recording": webm(seconds)}
            with django_capture_on_commit_callbacks(execute=True):
                assert alice_client.post(url, data, **HTMX).status_code == 200
        recording = Recording.objects.get()
        assert recording.duration == timedelta(seconds=4)
        assert stored_files(recordings_dir) == [recording.file_name]

    def test_two_uploads_for_one_reveal_at_once_keep_one_and_no_error(
        self, alice, question, recordings_dir
    ):
        checked = Recording.validate_upload(webm(), user=alice)
        token = uuid.uuid4()
        now = timezone.now()
        # Neither request saw the other's row before writing its own (replacing=None twice).
        first = Recording.keep(checked, user=alice, question=question, now=now, reveal_token=token)
        second = Recording.keep(checked, user=alice, question=question, now=now, reveal_token=token)
        assert second == first
        assert stored_files(recordings_dir) == [first.file_name]

    def test_the_grade_attaches_the_recording_to_the_attempt(self, recorded):
        attempt = Attempt.objects.get()
        assert recorded.attempt == attempt
        assert recorded.reveal_token == attempt.reveal_token

    def test_only_the_graders_own_unattached_recording_of_that_reveal_is_attached(
        self, alice_client, alice, bob, question, recordings_dir
    ):
        response = reveal(alice_client, question, recording=webm())
        token = token_from(response)
        mine = Recording.objects.get()
        # bob's recording under the same reveal token, and one of alice's already attached
        theirs = Recording.objects.create(**{**_fields(mine), "user": bob, "file_name": "bob.webm"})
        earlier = make_attempt(alice, question)
        kept = Recording.objects.create(
            **{**_fields(mine), "reveal_token": uuid.uuid4(), "attempt": earlier, "file_name": "x"}
        )
        grade(alice_client, question, token=token)
        attempt = Attempt.objects.get(reveal_token=mine.reveal_token)
        assert Recording.objects.get(pk=mine.pk).attempt == attempt
        assert Recording.objects.get(pk=theirs.pk).attempt is None
        assert Recording.objects.get(pk=kept.pk).attempt == earlier

    def test_the_attempt_and_its_recording_are_written_together_or_not_at_all(
        self, alice_client, question, recordings_dir, monkeypatch
    ):
        """No graded answer whose recording is left to the sweep: the attach is part of the
        grade's transaction, and when it fails the grade is not recorded either."""
        response = reveal(alice_client, question, recording=webm())

        def fails(attempt):
            raise RuntimeError("the attach failed")

        monkeypatch.setattr(Recording, "attach", fails)
        with pytest.raises(RuntimeError):
            grade(alice_client, question, token=token_from(response))
        assert not Attempt.objects.exists()
        assert Recording.objects.get().attempt is None

    def test_the_practice_form_sends_files_and_explains_the_recorder_without_javascript(
        self, alice_client, question
    ):
        page = alice_client.get(reverse("questions:practice_question", args=[question.pk]))
        body = page.content.decode()
        assert 'enctype="multipart/form-data"' in body
        assert 'type="file" name="recording"' in body
        assert "with JavaScript and a microphone; without them, type your answer" in body


class TestPlayback:
    def test_it_serves_the_whole_file_to_its_owner_privately(self, alice_client, recorded):
        response = alice_client.get(recorded.get_absolute_url())
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == make_webm(3.0)
        assert response["Content-Type"] == "audio/webm"
        assert response["Accept-Ranges"] == "bytes"
        assert response["Cache-Control"] == "private, no-store"
        assert int(response["Content-Length"]) == recorded.size

    def test_it_answers_a_range_request_with_206(self, alice_client, recorded):
        response = alice_client.get(recorded.get_absolute_url(), HTTP_RANGE="bytes=100-199")
        assert response.status_code == 206
        assert response["Content-Range"] == f"bytes 100-199/{recorded.size}"
        assert response.content == make_webm(3.0)[100:200]
        assert response["Cache-Control"] == "private, no-store"

    def test_it_answers_an_open_ended_and_a_suffix_range(self, alice_client, recorded):
        data = make_webm(3.0)
        opened = alice_client.get(recorded.get_absolute_url(), HTTP_RANGE="bytes=0-")
        assert opened.status_code == 206 and opened.content == data
        suffix = alice_client.get(recorded.get_absolute_url(), HTTP_RANGE="bytes=-10")
        assert suffix.status_code == 206 and suffix.content == data[-10:]
        assert suffix["Content-Range"] == f"bytes {len(data) - 10}-{len(data) - 1}/{len(data)}"

    def test_it_refuses_a_range_past_the_end_with_416(self, alice_client, recorded):
        response = alice_client.get(
            recorded.get_absolute_url(), HTTP_RANGE=f"bytes={recorded.size}-"
        )
        assert response.status_code == 416
        assert response["Content-Range"] == f"bytes */{recorded.size}"

    @pytest.mark.parametrize("header", ["bytes=0-1,5-9", "items=0-9", "bytes=x-y", "bytes=-"])
    def test_it_sends_the_whole_file_for_a_range_it_does_not_read(
        self, alice_client, recorded, header
    ):
        response = alice_client.get(recorded.get_absolute_url(), HTTP_RANGE=header)
        assert response.status_code == 200

    def test_another_users_recording_is_not_found(self, client, recorded):
        client.force_login(make_user("mallory"))
        assert client.get(recorded.get_absolute_url()).status_code == 404
        delete_url = reverse("questions:recording_delete", args=[recorded.pk])
        assert client.post(delete_url).status_code == 404
        assert Recording.objects.filter(pk=recorded.pk).exists()

    def test_an_anonymous_request_is_sent_to_log_in(self, client, recorded):
        client.logout()
        response = client.get(recorded.get_absolute_url())
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))

    def test_a_file_gone_from_the_storage_is_not_found(
        self, alice_client, recorded, recordings_dir
    ):
        (recordings_dir / recorded.file_name).unlink()
        assert alice_client.get(recorded.get_absolute_url()).status_code == 404

    def test_history_lists_the_recordings_length_and_the_attempt_page_plays_it(
        self, alice_client, recorded
    ):
        listing = alice_client.get(reverse("questions:history")).content.decode()
        assert "Spoken, 0:03" in listing
        page = alice_client.get(recorded.attempt.get_absolute_url()).content.decode()
        assert f'src="{recorded.get_absolute_url()}"' in page
        assert "Your spoken answer (0:03)" in page


class TestLifecycle:
    def test_undo_deletes_the_attempts_recording_and_its_file(
        self, alice_client, question, recordings_dir, django_capture_on_commit_callbacks
    ):
        response = reveal(alice_client, question, recording=webm())
        graded = grade(alice_client, question, token=token_from(response))
        undo = graded.content.decode().split('name="undo" value="')[1].split('"')[0]
        with django_capture_on_commit_callbacks(execute=True):
            alice_client.post(reverse("questions:undo"), {"undo": undo}, **HTMX)
        assert Attempt.objects.count() == 0
        assert Recording.objects.count() == 0
        assert stored_files(recordings_dir) == []

    def test_deleting_the_account_deletes_every_recording_file(
        self, alice_client, alice, recordings_dir, django_capture_on_commit_callbacks
    ):
        first, second = make_questions(2)
        for question in (first, second):
            response = reveal(alice_client, question, recording=webm())
            grade(alice_client, question, token=token_from(response))
        reveal(alice_client, first, recording=webm())  # one not graded yet
        assert len(stored_files(recordings_dir)) == 3
        with django_capture_on_commit_callbacks(execute=True):
            response = alice_client.post(
                reverse("questions:account_delete"), {"password": "correct-horse-battery"}
            )
        assert response.status_code == 302
        assert Recording.objects.count() == 0
        assert stored_files(recordings_dir) == []

    def test_the_owner_can_delete_a_recording_and_keep_the_attempt(
        self, alice_client, recorded, recordings_dir, django_capture_on_commit_callbacks
    ):
        attempt = recorded.attempt
        url = reverse("questions:recording_delete", args=[recorded.pk])
        with django_capture_on_commit_callbacks(execute=True):
            response = alice_client.post(url)
        assert response.status_code == 302 and response["Location"] == attempt.get_absolute_url()
        assert Attempt.objects.filter(pk=attempt.pk).exists()
        assert stored_files(recordings_dir) == []

    def test_the_json_export_links_each_recording_for_its_owner(self, alice_client, recorded):
        response = alice_client.get(reverse("questions:history_export_json"))
        data = json.loads(b"".join(response.streaming_content))
        row = data["attempts"][0]
        assert row["recording_seconds"] == 3.0
        url = row["recording_url"]
        assert url == f"http://testserver{recorded.get_absolute_url()}?download=1"
        download = alice_client.get(url)
        assert download.status_code == 200
        assert "attachment" in download["Content-Disposition"]

    def test_the_csv_export_has_the_recording_columns(self, alice_client, recorded):
        response = alice_client.get(reverse("questions:history_export_csv"))
        text = b"".join(response.streaming_content).decode("utf-8-sig")
        header, row = text.splitlines()[:2]
        assert header.endswith("recording_url,recording_seconds")
        assert row.endswith(f"{recorded.get_absolute_url()}?download=1,3.0")


class TestSweep:
    def age(self, recording, days):
        Recording.objects.filter(pk=recording.pk).update(
            created_at=timezone.now() - timedelta(days=days)
        )

    def test_it_removes_recordings_no_attempt_took_within_a_day(
        self, alice_client, question, recorded, recordings_dir, django_capture_on_commit_callbacks
    ):
        other = make_question(topic=question.topic, title="Left without a grade")
        reveal(alice_client, other, recording=webm())
        orphan = Recording.objects.get(attempt__isnull=True)
        fresh_reveal = make_question(topic=question.topic, title="Being answered")
        reveal(alice_client, fresh_reveal, recording=webm())
        self.age(orphan, 2)
        self.age(recorded, 2)  # graded: kept however old
        with django_capture_on_commit_callbacks(execute=True):
            rows, strays = recordings.sweep(timezone.now())
        assert (rows, strays) == (1, 0)
        assert not Recording.objects.filter(pk=orphan.pk).exists()
        assert Recording.objects.count() == 2
        assert orphan.file_name not in stored_files(recordings_dir)

    def test_it_removes_old_files_that_no_recording_names(self, recorded, recordings_dir):
        folder = recordings_dir / str(recorded.user_id)
        stray = folder / "stray.webm"
        stray.write_bytes(make_webm(1))
        recent = folder / "being-saved.webm"
        recent.write_bytes(make_webm(1))
        old = (timezone.now() - timedelta(days=2)).timestamp()
        os.utime(stray, (old, old))
        os.utime(recordings_dir / recorded.file_name, (old, old))
        assert recordings.sweep(timezone.now()) == (0, 1)
        assert not stray.exists() and recent.exists()
        assert (recordings_dir / recorded.file_name).exists()

    def test_the_command_runs_it_on_the_queue_or_here_and_dry_runs(
        self, alice_client, question, recordings_dir, capsys
    ):
        reveal(alice_client, question, recording=webm())
        self.age(Recording.objects.get(), 2)
        call_command("sweep_recordings", "--dry-run")
        assert "would remove 1 orphaned recordings" in capsys.readouterr().out
        assert Recording.objects.count() == 1
        call_command("sweep_recordings")  # queued; the tests' backend runs it at once
        assert "sweep queued" in capsys.readouterr().out
        assert Recording.objects.count() == 0


class TestMockInterview:
    @pytest.fixture
    def session(self, alice):
        make_questions(3)
        return mock.start_session(alice, [], 3, 180, timezone.now())

    def answer(self, client, session, **extra):
        item = session.items.order_by("position").filter(answered_at__isnull=True).first()
        client.get(session.get_absolute_url())
        url = reverse("questions:mock_answer", args=[session.pk])
        return client.post(url, {"item": item.pk, "text": "spoken", **extra}), item

    def test_the_answer_carries_a_recording_to_the_report_and_the_grade(
        self, alice_client, session, recordings_dir
    ):
        page = alice_client.get(session.get_absolute_url()).content.decode()
        assert 'enctype="multipart/form-data"' in page and 'name="recording"' in page
        response, item = self.answer(alice_client, session, recording=webm(2))
        assert response.status_code == 302
        recording = Recording.objects.get()
        assert recording.mock_item == item and recording.attempt is None
        for _ in range(2):
            self.answer(alice_client, session)
        session.refresh_from_db()
        assert session.status == MockStatus.FINISHED
        report = alice_client.get(session.get_absolute_url()).content.decode()
        assert f'src="{recording.get_absolute_url()}"' in report
        assert "Your spoken answer (0:02)" in report
        url = reverse("questions:mock_grade", args=[session.pk, item.pk])
        alice_client.post(url, {"rating": 3}, **HTMX)
        recording.refresh_from_db()
        assert recording.attempt == Attempt.objects.get()

    def test_an_answer_not_graded_yet_is_exported_with_its_recording(
        self, alice_client, session, recordings_dir
    ):
        _, item = self.answer(alice_client, session, recording=webm(2))
        recording = Recording.objects.get()
        response = alice_client.get(reverse("questions:history_export_json"))
        data = json.loads(b"".join(response.streaming_content))
        [row] = data["attempts"]
        assert row["grade"] == "ungraded" and row["rating"] is None and row["id"] is None
        assert row["mode"] == "mock" and row["answer"] == "spoken"
        assert row["question_title"] == item.question.title
        assert row["recording_seconds"] == 2.0
        assert row["recording_url"].endswith(f"{recording.get_absolute_url()}?download=1")
        response = alice_client.get(reverse("questions:history_export_csv"))
        text = b"".join(response.streaming_content).decode("utf-8-sig")
        assert text.splitlines()[1].endswith(f"{recording.get_absolute_url()}?download=1,2.0")
        # Once graded (in the report), the answer is exported once, as its attempt.
        for _ in range(2):
            self.answer(alice_client, session)
        url = reverse("questions:mock_grade", args=[session.pk, item.pk])
        alice_client.post(url, {"rating": 3}, **HTMX)
        response = alice_client.get(reverse("questions:history_export_json"))
        graded, *waiting = json.loads(b"".join(response.streaming_content))["attempts"]
        assert graded["grade"] == "good" and graded["id"] == Attempt.objects.get().pk
        assert graded["recording_seconds"] == 2.0
        assert [row["grade"] for row in waiting] == ["ungraded", "ungraded"]
        assert [row["recording_url"] for row in waiting] == [None, None]

    def test_a_refused_recording_leaves_the_question_open(
        self, alice_client, session, recordings_dir
    ):
        upload = SimpleUploadedFile("a.webm", PNG, content_type="audio/webm")
        response, item = self.answer(alice_client, session, recording=upload)
        assert response.status_code == 400
        item.refresh_from_db()
        assert item.answered_at is None
        assert Recording.objects.count() == 0


class TestAnswerTimer:
    def test_it_suggests_the_questions_time_then_the_topics_then_the_default(
        self, question, settings
    ):
        settings.ANSWER_TIME_SECONDS = 150
        assert question.answer_seconds() == 150
        question.topic.suggested_answer_seconds = 120
        assert question.answer_seconds() == 120
        question.suggested_answer_seconds = 90
        assert question.answer_seconds() == 90

    def test_the_practice_screen_shows_the_suggested_time(self, alice_client, question):
        question.suggested_answer_seconds = 95
        question.save()
        page = alice_client.get(reverse("questions:practice_question", args=[question.pk]))
        body = page.content.decode()
        assert 'data-suggested="95"' in body
        assert "Suggested answer time <strong>1:35</strong>" in body
