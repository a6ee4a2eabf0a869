// Small progressive enhancements; every page works without this script.
"use strict";
document.addEventListener("submit", (event) => {
  const form = event.target;
  const button = event.submitter;
  const message = (button && button.dataset.confirm) || form.dataset.confirm;
  if (message && !window.confirm(message)) {
    event.preventDefault();
  }
});
document.addEventListener("click", (event) => {
  const copy = event.target.closest("[data-copy]");
  if (copy) {
    const source = document.getElementById(copy.dataset.copy);
    const select = () => {
      // Without the clipboard API (plain http on a LAN address is not a secure context), select the
      // text so that Ctrl+C copies it.
      const range = document.createRange();
      range.selectNodeContents(source);
      window.getSelection().removeAllRanges();
      window.getSelection().addRange(range);
      copy.textContent = "Selected: press Ctrl+C";
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(source.textContent).then(() => { copy.textContent = "Copied"; }, select);
    } else {
      select();
    }
  }
  const opener = event.target.closest("[data-open]");
  if (opener) {
    // A link to a closed <details> further down: open it as well as scrolling to it.
    const target = document.getElementById(opener.dataset.open);
    if (target) {
      target.open = true;
    }
  }
  if (event.target.closest("[data-print]")) {
    window.print();
  }
});

// The environment's description under the start form: only the chosen one's (all are listed without this script).
function showEnvironmentHelp(select) {
  document.querySelectorAll("#environment-help [data-env]").forEach((li) => {
    li.hidden = li.dataset.env !== select.value;
  });
}
document.addEventListener("change", (event) => {
  if (event.target.id === "environment") {
    showEnvironmentHelp(event.target);
  }
});
document.addEventListener("DOMContentLoaded", () => {
  const environment = document.getElementById("environment");
  if (environment) {
    showEnvironmentHelp(environment);
  }
});

// Starting a server from the dashboard: the form goes to the JSON API, and the start's progress stream drives a
// <progress> with each stage's words. Without fetch or EventSource the form posts to /servers/start as usual.
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!form.matches("form[data-spawn]") || event.defaultPrevented || !window.fetch || !window.EventSource) {
    return;
  }
  event.preventDefault();
  if (form.dataset.busy !== "true") { // a second press while a start runs does nothing
    startServer(form);
  }
});

function startServer(form) {
  const name = form.elements.server ? form.elements.server.value.trim() : "";
  const base = "/api/users/" + encodeURIComponent(form.dataset.user)
    + (name ? "/servers/" + encodeURIComponent(name) : "/server");
  const box = document.getElementById("spawn-progress");
  const bar = document.getElementById("spawn-bar");
  const stage = document.getElementById("spawn-stage");
  const ready = document.getElementById("spawn-ready");
  const error = document.getElementById("spawn-error");
  let answered = false; // the API has answered the start request
  let finished = false;
  let source = null;
  let attempts = 0;

  ready.hidden = true;
  stage.classList.remove("done");
  error.replaceChildren();
  box.hidden = false;
  bar.value = 0;
  stage.textContent = "Asking the hub to start your server…";
  // Not disabled: a disabled button would drop the keyboard focus on the floor.
  form.dataset.busy = "true";

  const finish = () => {
    finished = true;
    form.dataset.busy = "false";
    if (source) {
      source.close();
    }
    refreshDashboard();
  };
  const succeed = (url) => {
    if (finished) {
      return;
    }
    box.hidden = true;
    stage.textContent = "Your server is ready.";
    stage.classList.add("done");
    const open = document.getElementById("spawn-open");
    open.href = url;
    ready.hidden = false;
    if (form.dataset.next) {
      // Came here from a page of this server while it was stopped: go back to that page.
      window.location.assign(form.dataset.next);
      return;
    }
    finish();
    open.focus();
  };
  const fail = (message) => {
    if (finished) {
      return;
    }
    box.hidden = true;
    stage.textContent = "";
    const p = document.createElement("p");
    p.className = "form-error";
    p.textContent = "Your server did not start: " + message
      + ". Change the environment or resources and try again; if it keeps failing, tell an administrator.";
    error.replaceChildren(p);
    finish();
  };
  // The stream replays the stages so far, then follows. It is opened once the catalog says the server is starting:
  // earlier, it would answer 404 (no server yet) or replay an earlier start's or stop's stages.
  const follow = () => {
    if (finished || source !== null || attempts++ > 20) {
      return;
    }
    source = new EventSource(base + "/progress");
    source.onmessage = (message) => {
      const e = JSON.parse(message.data);
      bar.value = e.progress;
      stage.textContent = e.message.charAt(0).toUpperCase() + e.message.slice(1);
      if (e.ready) {
        succeed(e.url);
      } else if (e.failed || e.stopped) {
        fail(e.message);
      }
    };
    source.onerror = () => {
      // The connection dropped before the last stage: follow again a moment later (the stages are replayed).
      source.close();
      source = null;
      if (!finished) {
        setTimeout(follow, 1000);
      }
    };
  };
  const watch = () => {
    if (finished || answered || source !== null) {
      return;
    }
    fetch("/api/users/" + encodeURIComponent(form.dataset.user), { credentials: "same-origin" })
      .then((r) => (r.ok ? r.json() : {}))
      .then((user) => {
        const server = user.servers && user.servers[name];
        if (server && server.phase === "starting") {
          follow();
        } else {
          setTimeout(watch, 100);
        }
      }, () => setTimeout(watch, 250));
  };

  const body = JSON.stringify({
    environment: form.elements.environment.value,
    profile: form.elements.profile.value,
  });
  fetch(base, {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRF-Token": form.elements.csrf.value },
    body: body,
  }).then((response) => response.json().catch(() => ({})).then((json) => {
    answered = true;
    if (!response.ok) {
      fail(json.message || "the hub answered " + response.status);
    } else if (json.ready) {
      succeed(json.url);
    } else {
      follow(); // 202: still starting
    }
  }), () => {
    answered = true;
    fail("the hub could not be reached");
  });
  setTimeout(watch, 50);
}

// After a start, the server list and the start form as the hub now sees them; the start's messages stay.
function refreshDashboard() {
  fetch("/", { credentials: "same-origin" }).then((r) => r.text()).then((html) => {
    const page = new DOMParser().parseFromString(html, "text/html");
    for (const id of ["servers", "start-body"]) {
      const fresh = page.getElementById(id);
      const current = document.getElementById(id);
      if (fresh && current) {
        current.replaceWith(fresh);
      }
    }
    const environment = document.getElementById("environment");
    if (environment) {
      showEnvironmentHelp(environment);
    }
  }, () => {});
}

// Re-running an archive from its page: the form goes to the JSON API and the browser follows to the report page,
// which refreshes itself until the report is ready.
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!form.matches("form[data-rerun]") || event.defaultPrevented || !window.fetch) {
    return;
  }
  event.preventDefault();
  const error = form.querySelector(".rerun-error");
  const show = (message) => {
    error.textContent = message;
    error.hidden = false;
  };
  const raw = form.elements.tolerance.value.trim();
  const body = {};
  if (raw !== "") {
    const tolerance = Number(raw);
    if (!Number.isFinite(tolerance)) {
      show("The tolerance must be a number, such as 1e-6.");
      form.elements.tolerance.focus();
      return;
    }
    body.tolerance = tolerance;
  }
  form.querySelector("button").disabled = true;
  fetch(form.dataset.rerun, {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRF-Token": form.elements.csrf.value },
    body: JSON.stringify(body),
  }).then((response) => response.json().catch(() => ({})).then((json) => {
    if (response.ok && json.page) {
      window.location.assign(json.page);
    } else {
      form.querySelector("button").disabled = false;
      show(json.message || "The hub answered " + response.status + ".");
    }
  }), () => {
    form.querySelector("button").disabled = false;
    show("The hub could not be reached.");
  });
});

// Importing an exported archive from /archives: the file goes as the request body (the API reads a tar, not a form),
// with a progress bar; the browser follows to the imported archive's page.
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!form.matches("form[data-import]") || event.defaultPrevented) {
    return;
  }
  event.preventDefault();
  const file = form.elements.file.files[0];
  const error = form.querySelector(".import-error");
  const bar = form.querySelector(".import-progress");
  const button = form.querySelector("button");
  const show = (message) => {
    error.textContent = message;
    error.hidden = false;
    bar.hidden = true;
    button.disabled = false;
  };
  if (!file) {
    show("Choose the archive's .tar file first.");
    return;
  }
  error.hidden = true;
  button.disabled = true;
  bar.value = 0;
  bar.hidden = false;
  const xhr = new XMLHttpRequest();
  xhr.open("POST", form.dataset.import);
  xhr.setRequestHeader("Content-Type", "application/octet-stream");
  xhr.setRequestHeader("X-CSRF-Token", form.elements.csrf.value);
  xhr.upload.onprogress = (e) => {
    if (e.lengthComputable) {
      bar.value = Math.round((e.loaded * 100) / e.total);
    }
  };
  xhr.onload = () => {
    let json = {};
    try {
      json = JSON.parse(xhr.responseText);
    } catch (ignored) {
      // an answer without JSON: the status says enough
    }
    if (xhr.status === 201 && json.url) {
      window.location.assign(json.url);
    } else {
      show(json.message || "The hub answered " + xhr.status + ".");
    }
  };
  xhr.onerror = () => show("The hub could not be reached.");
  xhr.send(file);
});
