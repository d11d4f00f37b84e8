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
