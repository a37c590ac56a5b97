"""The reminder run with update packs: the scheduler's send-due job (the sweep, then delivery of every waiting
e-mail) on a fresh copy of the bench data, with a board meeting whose update deadline is 5 working days after the
bench's "today", so that every owner of open milestones is asked to update and sent their update pack (about 480
people at scale 1).

The job runs three times (the figures reported are the median run's, with each run's time), each in a child
process, as the scheduler would, and sends through a real SMTP server on loopback (aiosmtpd)
run by this process, which keeps only each message's size. Reported: the whole run's wall and CPU time, the time
spent making packs (gathering and writing) per pack, in wall and CPU time, the e-mails' sizes (the median of those
with a pack and the largest of all, the .docx attachment included, as sent), the SQL statements of the run, and the
child's peak memory (its peak resident set, VmHWM, the figure the issue's 300 MiB aim is about), with the same
just before the run (the app loaded: most of the peak). Not ru_maxrss: Linux carries it over from the parent through
fork and exec, so after `make bench` generated the data in the parent it reported the generation's peak.

Run on its own: `python -m bench.reminder_run [--scale 1] [--backend sqlite|postgresql] [--runs 3] [--keep mail.eml]`.
"""

import argparse
import json
import resource
import socket
import statistics
import subprocess
import sys
from datetime import datetime, time, timedelta
from pathlib import Path
from time import perf_counter, process_time

from aiosmtpd.controller import Controller

from bench.generate import AS_OF, BenchDatabase

RUN_AT = datetime.combine(AS_OF, time(7))
TARGET_SECONDS, TARGET_MS_PER_PACK, TARGET_MEDIAN_KIB, TARGET_PEAK_MIB = 10, 10, 15, 300
RUNS = 3  # the median of three
PACK_NAME = b"update-pack-"  # in the attachment's filename


class _Sizes:
    """An SMTP handler that keeps only each message's size and whether it carries an update pack."""

    def __init__(self):
        self.sizes: list[int] = []
        self.with_pack: list[int] = []
        self.samples: dict[int, bytes] = {}  # a few messages kept whole, by size, to look at (--keep)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's handler hook)
        content = envelope.content if isinstance(envelope.content, bytes) else envelope.content.encode()
        self.sizes.append(len(content))
        if PACK_NAME in content:
            self.with_pack.append(len(content))
            if len(self.samples) < 50:
                self.samples[len(content)] = content
        return "250 Message accepted for delivery"


def time_reminder_run(scale: float, backend: str = "sqlite", keep: str | None = None, attached: bool = True,
                      runs: int = RUNS) -> dict:
    """The job run `runs` times, each on a fresh copy of the data: the figures of the run with the median time, with
    every run's time beside them (this machine's times vary by a tenth from one run to the next)."""
    each = [_one_run(scale, backend, keep, attached) for _ in range(runs)]
    median = sorted(each, key=lambda run: run["seconds"])[len(each) // 2]
    return {**median, "seconds_each": [run["seconds"] for run in each]}


def _one_run(scale: float, backend: str, keep: str | None, attached: bool) -> dict:
    """Run the job in a child process against a loopback SMTP server; the child's figures and the e-mails' sizes.
    `attached`: update packs attached to the e-mails (the default), or else the e-mails say to download them from
    My work (UPDATE_PACKS_ATTACHED=false), and the run writes none."""
    sizes = _Sizes()
    port = _free_port()
    controller = Controller(sizes, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        with BenchDatabase(scale, backend).scratch_copy() as url:
            child = subprocess.run([sys.executable, "-m", "bench.reminder_run", "--child", url, str(port),
                                    "attached" if attached else "linked"], capture_output=True, text=True, check=False)
    finally:
        controller.stop()
    if child.returncode != 0:
        raise SystemExit(f"The reminder run failed:\n{child.stderr[-4000:]}")
    figures = json.loads(child.stdout.strip().splitlines()[-1])
    if keep and sizes.samples:  # the kept message nearest the median size, as it arrived
        middle = statistics.median(sizes.with_pack)
        Path(keep).write_bytes(sizes.samples[min(sizes.samples, key=lambda size: abs(size - middle))])
    packs = figures["packs"]
    return {"backend": backend, "scale": scale, "packs_attached": attached, **figures,
            "ms_per_pack": round(figures["pack_ms"] / packs, 2) if packs else None,
            "cpu_ms_per_pack": round(figures["pack_cpu_ms"] / packs, 2) if packs else None,
            "emails": len(sizes.sizes), "emails_with_pack": len(sizes.with_pack),
            "median_kib": _kib(statistics.median(sizes.with_pack or sizes.sizes or [0])),
            "median_kib_all": _kib(statistics.median(sizes.sizes or [0])),
            "max_kib": _kib(max(sizes.sizes or [0]))}


def _kib(size: float) -> float:
    return round(size / 1024, 1)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _child(url: str, port: int, packs: str) -> None:
    """In the child: the app on the copy, the meeting, then the job, timed, with its statements counted."""
    from sqlalchemy import event  # noqa: PLC0415 (the child's own imports: the parent needs none of them)

    from app import long_running  # noqa: PLC0415
    from app.extensions import db  # noqa: PLC0415
    from app.models import Meeting, MeetingKind  # noqa: PLC0415
    from app.services.reminders import jobs  # noqa: PLC0415
    from app.services.reports import update_pack  # noqa: PLC0415
    from app.services.working_days import add_working_days  # noqa: PLC0415
    from bench.generate import create_bench_app  # noqa: PLC0415

    app = create_bench_app(url)
    long_running.loaded()  # as the scheduler does
    app.config.update(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_TIMEOUT_SECONDS=20,
                      UPDATE_PACKS_ATTACHED=packs == "attached")
    with app.app_context():
        db.session.add(Meeting(kind=MeetingKind.BOARD, title="Improvement Board", held_on=AS_OF + timedelta(days=21),
                               update_deadline=add_working_days(AS_OF, 5), report_deadline=AS_OF + timedelta(days=8)))
        db.session.commit()
        pack_clock = _PackClock(update_pack)
        statements = [0]
        event.listen(db.engine, "before_cursor_execute", lambda *_: statements.__setitem__(0, statements[0] + 1))
        before_kib = _peak_kib()  # the app loaded, before the run
        started, cpu_started = perf_counter(), process_time()
        result = jobs.send_due(RUN_AT)
        seconds, cpu_seconds = perf_counter() - started, process_time() - cpu_started
    peak_kib = _peak_kib()
    print(json.dumps({"seconds": round(seconds, 2), "cpu_seconds": round(cpu_seconds, 2), "packs": pack_clock.packs,
                      "pack_ms": round(pack_clock.ms, 1), "pack_cpu_ms": round(pack_clock.cpu_ms, 1),
                      "notices": result.sweep.created_total + result.sweep.digests,
                      "messages": result.delivery.messages, "failed": result.delivery.failed,
                      "queries": statements[0], "peak_mib": round(peak_kib / 1024, 1),
                      "before_run_mib": round(before_kib / 1024, 1)}))


def _peak_kib() -> int:
    """This process's peak resident set in KiB since it started (Linux's VmHWM; ru_maxrss where there is none)."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


class _PackClock:
    """Times update_pack's work (gathering and writing), wherever the reminder run calls it from: wall time, and the
    process's CPU time (which leaves out waiting for a CPU on a busy machine)."""

    def __init__(self, module):
        self.packs, self.ms, self.cpu_ms = 0, 0.0, 0.0
        for name in ("gather", "gather_all", "write"):
            if hasattr(module, name):
                setattr(module, name, self._timed(getattr(module, name), counts=name == "write"))

    def _timed(self, function, *, counts: bool):
        def timed(*args, **kwargs):
            started, cpu_started = perf_counter(), process_time()
            try:
                return function(*args, **kwargs)
            finally:
                self.ms += (perf_counter() - started) * 1000
                self.cpu_ms += (process_time() - cpu_started) * 1000
                self.packs += counts
        return timed


def checks(run: dict) -> dict[str, bool]:
    """The issue's aims for the reminder run, on the data given (480 packs at scale 1); with packs not attached, the
    run's time, the e-mails' size and memory."""
    name = f"{_label(run)}, scale {run['scale']:g}"
    if not run["packs_attached"]:
        return {f"reminder run ({name}) under {TARGET_SECONDS} s": run["seconds"] < TARGET_SECONDS,
                f"reminder e-mails ({name}) under {TARGET_MEDIAN_KIB} KiB median": run["median_kib"] < TARGET_MEDIAN_KIB,
                f"reminder run ({name}) under {TARGET_PEAK_MIB} MiB peak memory": run["peak_mib"] < TARGET_PEAK_MIB}
    return {
        f"reminder run ({name}, {run['packs']} packs) under {TARGET_SECONDS} s": run["seconds"] < TARGET_SECONDS,
        f"reminder run ({name}) under {TARGET_MS_PER_PACK} ms per pack": (run["ms_per_pack"] or 0) < TARGET_MS_PER_PACK,
        f"reminder e-mails with a pack ({name}) under {TARGET_MEDIAN_KIB} KiB median":
            run["median_kib"] < TARGET_MEDIAN_KIB,
        f"reminder run ({name}) under {TARGET_PEAK_MIB} MiB peak memory": run["peak_mib"] < TARGET_PEAK_MIB,
    }


def print_runs(runs: list[dict]) -> None:
    print(f"\nReminder run with update packs (targets: {TARGET_SECONDS} s, {TARGET_MS_PER_PACK} ms per pack, "
          f"{TARGET_MEDIAN_KIB} KiB median e-mail, {TARGET_PEAK_MIB} MiB peak)")
    print(f"  {'database, packs, scale':<30} {'run s':>6} {'(each run)':>17} {'cpu s':>6} {'packs':>6} {'ms/pack':>8} "
          f"{'cpu ms':>7} {'e-mails':>8} {'median KiB':>11} {'max KiB':>8} {'queries':>8} {'peak MiB':>9} "
          f"{'(before the run)':>16}")
    for run in runs:
        each = ", ".join(f"{seconds:.2f}" for seconds in run.get("seconds_each", [run["seconds"]]))
        print(f"  {_label(run) + ', ' + format(run['scale'], 'g'):<30} {run['seconds']:>6.2f} {'(' + each + ')':>17} "
              f"{run['cpu_seconds']:>6.2f} {run['packs']:>6} {run['ms_per_pack'] or 0:>8.2f} "
              f"{run['cpu_ms_per_pack'] or 0:>7.2f} {run['emails']:>8} "
              f"{run['median_kib']:>11.1f} {run['max_kib']:>8.1f} "
              f"{run['queries']:>8} {run['peak_mib']:>9.1f} {run['before_run_mib']:>16.1f}")


def _label(run: dict) -> str:
    return f"{run['backend']}, packs {'attached' if run['packs_attached'] else 'on My work'}"


def time_reminder_runs(scale: float, backends: tuple[str, ...]) -> list[dict]:
    """The run on each database (bench/run.py: `make bench`), at one scale: with packs attached, then not."""
    return [time_reminder_run(scale, backend, attached=attached) for attached in (True, False) for backend in backends]


def main() -> None:
    if len(sys.argv) == 5 and sys.argv[1] == "--child":
        _child(sys.argv[2], int(sys.argv[3]), sys.argv[4])
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1)
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--keep", metavar="PATH", help="write an e-mail of about the median size there (.eml)")
    parser.add_argument("--runs", type=int, default=RUNS, help=f"runs, the median reported (default {RUNS})")
    parser.add_argument("--packs-on-my-work", action="store_true",
                        help="update packs not attached: the e-mails say to download them (UPDATE_PACKS_ATTACHED=false)")
    args = parser.parse_args()
    run = time_reminder_run(args.scale, args.backend, args.keep, attached=not args.packs_on_my_work, runs=args.runs)
    print_runs([run])
    print(json.dumps(run, indent=2))
    for check, passed in checks(run).items():
        print(f"{'PASS' if passed else 'FAIL'}: {check}")


if __name__ == "__main__":
    main()
