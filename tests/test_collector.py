"""inlink.collector: the cyclic collector paused while a step builds lasting objects, resumed as it was."""
import gc
import threading

from inlink import collector


def test_a_pause_resumes_the_collector_it_found_running():
    assert gc.isenabled()
    with collector.paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_overlapping_pauses_resume_only_when_the_last_ends():
    first_in, second_out = threading.Event(), threading.Event()
    seen = []

    def other():
        with collector.paused():
            first_in.set()
            second_out.wait(5)
        seen.append(gc.isenabled())   # the main thread still pauses it

    thread = threading.Thread(target=other)
    with collector.paused():
        thread.start()
        first_in.wait(5)
        second_out.set()
        thread.join(5)
        assert not gc.isenabled()
    assert seen == [False]
    assert gc.isenabled()


def test_a_collector_turned_off_by_the_process_stays_off():
    gc.disable()
    try:
        with collector.paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_the_collector_resumes_when_the_step_fails():
    try:
        with collector.paused():
            raise ValueError("boom")
    except ValueError:
        pass
    assert gc.isenabled()


def test_a_frozen_run_thaws_when_the_last_frozen_run_ends():
    """Objects frozen for a run (its built index) are collectable again once every run that froze has ended."""
    collector.frozen_for_run()
    collector.frozen_for_run()
    try:
        assert gc.get_freeze_count() > 0
        collector.thawed()
        assert gc.get_freeze_count() > 0     # the other run still holds its index
    finally:
        collector.thawed()
    assert gc.get_freeze_count() == 0


def test_a_link_job_thaws_the_collector_whatever_its_outcome(tmp_path):
    """The link task freezes the collector after its index step and thaws it when the run ends (here: failed
    in its pages step), so nothing stays frozen after a job."""
    from inlink.jobs import JobManager
    from inlink.tasks import analysis

    pages = tmp_path / "pages.csv"
    pages.write_text("Address,Title 1,H1-1,Content\n" + "".join(
        f"https://e.com/p{i},Page {i} guide,Page {i},The page {i} guide talks of page {(i + 1) % 4} guide.\n"
        for i in range(4)))
    manager = JobManager(tmp_path / "jobs", max_running=1)
    original = analysis.LinkAnalysisTask.process

    def fail(self, ctx, item):
        assert gc.get_freeze_count() > 0   # frozen while the pages are analysed
        raise RuntimeError("boom")

    analysis.LinkAnalysisTask.process = fail
    try:
        job = analysis.start_analysis(manager, pages, pages_name="pages.csv")
        meta = manager.wait(job, timeout=60)
    finally:
        analysis.LinkAnalysisTask.process = original
        manager.shutdown(timeout=10)
    assert meta["status"] == "failed" and "boom" in (meta.get("message") or "")
    assert gc.get_freeze_count() == 0
