/* The jobs pages, kept current: the list refreshes while a job is queued or running, and a job's page follows its log
   live (server-sent events from /api/jobs/<id>/log) and its state. Both pages work without this script. */
"use strict";

(function () {
  const POLL_MS = 2000;
  /** The page keeps this many log lines; the whole log is a link away. */
  const MAX_LINES = 20000;
  const CELL = /^\[labhub\] .*: cell (\d+) of (\d+) running$/;

  /** Fetches this page again and swaps in the parts named, unless the keyboard focus is inside one of them. */
  function refreshParts(url, ids) {
    return fetch(url, { credentials: "same-origin" }).then((r) => r.text()).then((html) => {
      const fresh = new DOMParser().parseFromString(html, "text/html");
      const hadFocus = ids.some((id) => {
        const now = document.getElementById(id);
        return now && now.contains(document.activeElement);
      });
      ids.forEach((id) => {
        const now = document.getElementById(id);
        const next = fresh.getElementById(id);
        if (now && next) {
          now.replaceWith(document.importNode(next, true));
        }
      });
      return { fresh: fresh, hadFocus: hadFocus };
    });
  }

  // The list: while a job is queued or running, look again every few seconds. A row the person is on (keyboard
  // focus inside the list) is not pulled from under them: that round is skipped.
  const list = document.getElementById("jobs-list");
  if (list) {
    const tick = () => {
      const current = document.getElementById("jobs-list");
      if (!current || current.dataset.busy !== "true") {
        return;
      }
      if (current.contains(document.activeElement)) {
        setTimeout(tick, POLL_MS);
        return;
      }
      refreshParts(location.pathname, ["jobs-list"]).then(() => setTimeout(tick, POLL_MS), () => setTimeout(tick, POLL_MS * 3));
    };
    setTimeout(tick, POLL_MS);
  }

  const page = document.getElementById("job");
  if (!page) {
    return;
  }
  const id = page.dataset.id;
  const log = document.getElementById("job-log");
  const empty = document.getElementById("job-log-empty");
  const announce = document.getElementById("job-announce");
  let state = document.getElementById("job-state").textContent.trim();
  let ended = page.dataset.final === "true";

  /** Appends lines to the log; follows the end unless the person scrolled up to read. */
  function append(lines) {
    const atEnd = log.scrollHeight - log.scrollTop - log.clientHeight < 24;
    const text = lines.join("\n");
    log.append(document.createTextNode((log.textContent ? "\n" : "") + text));
    if (log.childNodes.length > 500) {
      log.normalize();
    }
    const all = log.textContent.split("\n");
    if (all.length > MAX_LINES) {
      log.textContent = all.slice(all.length - MAX_LINES).join("\n");
    }
    empty.hidden = log.textContent !== "";
    lines.forEach((line) => {
      const m = CELL.exec(line);
      if (m) {
        document.getElementById("job-progress-label").textContent = "Running: cell " + m[1] + " of " + m[2];
      }
    });
    if (atEnd) {
      log.scrollTop = log.scrollHeight;
    }
  }

  /** The job's state changed: the summary (state, facts, failing cell, buttons) is fetched again. */
  function refreshSummary(words) {
    refreshParts(location.pathname, ["job-summary"]).then((r) => {
      const label = document.getElementById("job-state").textContent.trim();
      if (words || label !== state) {
        announce.textContent = "Job " + id + " " + (words || "is " + label) + ".";
      }
      state = label;
      document.getElementById("job-progress").hidden = label !== "running";
      if (r.hadFocus) {
        document.getElementById("job-state").focus();
      }
    }, () => {});
  }

  function finish(job) {
    if (ended) {
      return;
    }
    ended = true;
    document.getElementById("job-progress").hidden = true;
    refreshSummary(job.state === "succeeded" ? "succeeded" : "ended: " + job.state.replace("_", " "));
  }

  // The state while queued or running: queued → running shows the progress bar; the end comes from the log stream
  // (or from here, should the stream be cut).
  function poll() {
    if (ended) {
      return;
    }
    fetch("/api/jobs/" + encodeURIComponent(id), { credentials: "same-origin" })
      .then((r) => (r.ok ? r.json() : Promise.reject(new Error(String(r.status)))))
      .then((job) => {
        if (job.final) {
          finish(job);
          return;
        }
        const label = job.state.replace("_", " ");
        if (label !== state) {
          refreshSummary("");
        } else if (job.duration_seconds !== null) {
          const s = Math.round(job.duration_seconds);
          document.getElementById("job-duration").textContent =
            s < 60 ? s + " s" : Math.floor(s / 60) + " min" + (s % 60 ? " " + (s % 60) + " s" : "");
        }
        setTimeout(poll, POLL_MS);
      }, () => setTimeout(poll, POLL_MS * 3));
  }

  function follow() {
    const source = new EventSource("/api/jobs/" + encodeURIComponent(id) + "/log");
    // Each connection replays the log from its first line: the first message replaces what the page showed.
    let replay = true;
    let batch = [];
    let flushing = false;
    const flush = () => {
      flushing = false;
      if (batch.length) {
        append(batch);
        batch = [];
      }
    };
    source.onopen = () => {
      replay = true;
    };
    source.onmessage = (message) => {
      const e = JSON.parse(message.data);
      if (replay) {
        replay = false;
        batch = [];
        log.textContent = "";
      }
      if (typeof e.line === "string") {
        // Lines that come together are drawn together.
        batch.push(e.line);
        if (!flushing) {
          flushing = true;
          setTimeout(flush, 50);
        }
      } else if (e.state) {
        flush();
        source.close();
        finish(e);
      }
    };
    source.onerror = () => {
      if (ended) {
        source.close();
      }
      // Otherwise EventSource connects again by itself, and the log is replayed.
    };
  }

  if (!ended) {
    log.scrollTop = log.scrollHeight;
    if (window.EventSource) {
      follow();
    }
    setTimeout(poll, POLL_MS);
  }
}());
