"""Signing in and a signed-in page, timed (`.venv/bin/python -m bench.sessions`): what the server-side session costs.

Times POST /login (with the service's real password hashing, and again with a fast hash so that the session's own
share shows) and GET /my-work for a person signed in, through the Flask test client on a SQLite file, 20 warm-up
then 200 timed requests each, and prints the medians. Runs on any commit (it needs nothing the sessions added), so
the figures before and after a change are measured the same way (docs/security.md, "Sessions").
"""

import os
import statistics
import sys
import tempfile
from pathlib import Path
from time import perf_counter, process_time

from werkzeug.security import generate_password_hash

WARM_UP, RUNS = 20, 200
PASSWORD = "bench-password-for-sessions"
FAST_HASH = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")


def timed(request, runs: int) -> tuple[float, float]:
    """The median wall time and CPU time of this process (which leaves out waiting for a CPU on a busy machine) of
    `runs` calls of `request`, in milliseconds."""
    for _ in range(WARM_UP):
        request()
    wall, cpu = [], []
    for _ in range(runs):
        start, start_cpu = perf_counter(), process_time()
        request()
        wall.append((perf_counter() - start) * 1000)
        cpu.append((process_time() - start_cpu) * 1000)
    return statistics.median(wall), statistics.median(cpu)


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="bench-sessions-"))
    os.environ["TEST_DATABASE_URL"] = f"sqlite:///{folder / 'bench.sqlite'}"
    from app import create_app
    from app.extensions import db
    from app.models import Person, PersonKind, Role

    app = create_app("testing")
    app.config.update(SIGN_IN_ADDRESS_LIMIT=1_000_000, SIGN_IN_LOCK_AFTER=1_000_000)
    with app.app_context():
        db.create_all()
        real = Person(name="Real Hash", email="real@bench.example", kind=PersonKind.INDIVIDUAL, role=Role.VIEWER)
        real.set_password(PASSWORD)
        fast = Person(name="Fast Hash", email="fast@bench.example", kind=PersonKind.INDIVIDUAL, role=Role.VIEWER,
                      password_hash=FAST_HASH)
        db.session.add_all([real, fast])
        db.session.commit()
        db.session.remove()
    client = app.test_client()

    def sign_in(email: str):
        def post():
            client.post("/logout")
            response = client.post("/login", data={"email": email, "password": PASSWORD})
            assert response.status_code == 302, response.status_code
        return post

    def my_work():
        assert client.get("/my-work").status_code == 200

    results = {
        "POST /login and POST /logout (real hash)": timed(sign_in("real@bench.example"), RUNS // 10),
        "POST /login and POST /logout (fast hash)": timed(sign_in("fast@bench.example"), RUNS),
    }
    results["GET /my-work, signed in"] = timed(my_work, RUNS)
    print(f"Python {sys.version.split()[0]}, {RUNS} runs (real hash: {RUNS // 10}), medians (wall, CPU):")
    for name, (wall, cpu) in results.items():
        print(f"  {name:45} {wall:7.2f} ms {cpu:7.2f} ms CPU")


if __name__ == "__main__":
    main()
