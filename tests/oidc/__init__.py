"""The real OpenID provider for the single sign-on tests: provider.mjs (the certified npm package oidc-provider),
run with node on a free port on 127.0.0.1, and a browser-like walk through its sign-in and sign-out pages."""

import json
import re
import shutil
import socket
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin

import requests

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
CLIENT_ID, CLIENT_SECRET = "improvement-tracker", "loopback-test-secret-not-for-use"
PEOPLE = {login: person for login, person in json.loads((HERE / "people.json").read_text()).items()
          if not login.startswith("_")}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Provider:
    redirect_uris: list[str]
    post_logout_redirect_uris: list[str]
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    @property
    def issuer(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> "Provider":
        node = shutil.which("node")
        if not node or not (ROOT / "node_modules" / "oidc-provider").is_dir():
            raise RuntimeError("node and node_modules/oidc-provider are needed (npm ci)")
        env = {"PATH": "/usr/bin:/bin", "PORT": str(self.port), "CLIENT_ID": CLIENT_ID, "CLIENT_SECRET": CLIENT_SECRET,
               "REDIRECT_URIS": " ".join(self.redirect_uris),
               "POST_LOGOUT_REDIRECT_URIS": " ".join(self.post_logout_redirect_uris)}
        self.process = subprocess.Popen([node, str(HERE / "provider.mjs")], cwd=ROOT, env=env, text=True,
                                        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        line = self.process.stdout.readline()  # "listening <issuer>", or nothing if it failed
        if not line.startswith("listening"):
            self.stop()
            raise RuntimeError(f"the OpenID provider did not start: {line!r}")
        return self

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


class Browser:
    """The person's browser at the provider: its cookies (the provider's session) and its pages."""

    def __init__(self):
        self.http = requests.Session()

    def authorise(self, authorisation_url: str, login: str | None) -> str:
        """Follow the app's redirect to the provider; sign in on its page if it asks (login None: expect it not to).
        Returns the address the provider sends the browser back to (the app's callback)."""
        response = self.http.get(authorisation_url, allow_redirects=False)
        while response.is_redirect:
            location = urljoin(response.url, response.headers["Location"])
            if not location.startswith("http://127.0.0.1"):
                return location
            if "/interaction/" in location and login is None:
                raise AssertionError("the provider asked for a sign-in")
            response = self.http.get(location, allow_redirects=False)
            if response.status_code == 200 and 'name="login"' in response.text:
                action = re.search(r'<form[^>]*action="([^"]+)"', response.text).group(1)
                response = self.http.post(urljoin(response.url, action),
                                          data={"prompt": "login", "login": PEOPLE[login]["sub"], "password": "any"},
                                          allow_redirects=False)
        raise AssertionError(f"the provider did not send the browser back: {response.status_code} {response.text[:300]}")

    def sign_out(self, end_session_url: str) -> str:
        """Confirm signing out on the provider's page; returns where it sends the browser back to."""
        page = self.http.get(end_session_url)
        form = re.search(r'<form[^>]*action="([^"]+)"[^>]*>(.*?)</form>', page.text, re.S)
        fields = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', form.group(2)))
        response = self.http.post(urljoin(page.url, form.group(1)), data={**fields, "logout": "yes"},
                                  allow_redirects=False)
        return response.headers["Location"]
