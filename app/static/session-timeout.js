// The idle warning (docs/security.md, "Sessions"): shortly before the session times out for want of use, a dialog
// says so, with "Stay signed in" (which tells the server the session is in use) and "Sign out". If nobody answers,
// the page is opened again when the time is up, and the server sends it to the sign-in page, saying why.
// templates/base.html gives the timings on <body>: data-session-ends-in (seconds left, as the server counts them)
// and data-session-warning (how long before the end to warn). No inline script: the Content-Security-Policy
// refuses them.

const body = document.body;
const dialog = document.getElementById("session-timeout");

function minutesAndSeconds(seconds) {
  if (seconds < 60) return `${seconds} second${seconds === 1 ? "" : "s"}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minute${minutes === 1 ? "" : "s"}`;
}

function start(endsIn, warning) {
  const endsAt = Date.now() + endsIn * 1000;
  let ticking = null;
  let returnFocusTo = null;

  const timeUp = () => window.location.assign(window.location.href); // the server answers with the sign-in page
  const left = () => Math.max(0, Math.round((endsAt - Date.now()) / 1000));
  const say = () => {
    dialog.querySelector("[data-session-left]").textContent = minutesAndSeconds(left());
  };
  const warn = () => {
    returnFocusTo = document.activeElement;
    say();
    dialog.showModal(); // a modal dialog: focus moves to it, and the rest of the page is inert
    dialog.querySelector("[data-session-status]").textContent =
      `You will be signed out in ${minutesAndSeconds(left())} unless you choose to stay signed in.`;
    ticking = window.setInterval(say, 1000);
  };
  const timers = [window.setTimeout(warn, Math.max(0, endsIn - warning) * 1000),
                  window.setTimeout(timeUp, (endsIn + 1) * 1000)];

  dialog.querySelector("[data-session-stay]").onclick = async () => {
    const response = await fetch(body.dataset.sessionKeepUrl, {
      method: "POST", credentials: "same-origin",
      headers: { "X-CSRFToken": body.dataset.sessionCsrf, Accept: "application/json" },
    }).catch(() => null);
    const answer = response && response.ok && (response.headers.get("Content-Type") || "").includes("json")
      ? await response.json() : null;
    if (!answer || answer.ends_in <= 0) return timeUp();
    timers.forEach(window.clearTimeout);
    window.clearInterval(ticking);
    dialog.close();
    if (returnFocusTo) returnFocusTo.focus();
    start(answer.ends_in, warning);
  };
}

if (dialog && body.dataset.sessionEndsIn) {
  start(Number(body.dataset.sessionEndsIn), Number(body.dataset.sessionWarning));
}
