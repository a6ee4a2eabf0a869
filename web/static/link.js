/* A public link's page (/s/<token>/…): uploads with a progress bar per file (XHR upload progress), a new folder and
   delete for read-write links, each sent to the link's own URLs with the page's CSRF token. */
"use strict";

(function () {
  const root = document.getElementById("link");
  if (!root) {
    return;
  }
  const base = root.dataset.base;
  const relpath = root.dataset.relpath;
  const csrf = root.dataset.csrf;
  const dropBox = root.dataset.mode === "dropbox";
  const errorBox = document.getElementById("files-error");
  const uploads = document.getElementById("uploads");
  const list = document.getElementById("upload-list");
  const overall = document.getElementById("upload-overall");
  const overallText = document.getElementById("upload-overall-text");
  let totalBytes = 0;
  let sentBytes = 0;

  function showError(message) {
    errorBox.textContent = message;
    errorBox.hidden = false;
  }

  /** The URL of a name in the folder shown, each segment percent-encoded. */
  function urlOf(name) {
    const parts = relpath ? relpath.split("/") : [];
    parts.push(name);
    return base + "/" + parts.map(encodeURIComponent).join("/");
  }

  function send(method, url, body, onProgress) {
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open(method, url);
      xhr.setRequestHeader("X-CSRF-Token", csrf);
      if (typeof body === "string") {
        xhr.setRequestHeader("Content-Type", "application/json");
      } else if (body instanceof Blob) {
        // Not the file's own type: a .txt would go as text/plain, which the hub refuses on writes (simple-request CSRF).
        xhr.setRequestHeader("Content-Type", "application/octet-stream");
      }
      if (onProgress) {
        xhr.upload.onprogress = (e) => onProgress(e.loaded);
      }
      xhr.onload = () => {
        let data = null;
        try { data = JSON.parse(xhr.responseText); } catch (ignored) { data = null; }
        if (xhr.status >= 200 && xhr.status < 300) {
          resolve(data);
        } else {
          const why = xhr.status === 507 ? "the owner's storage is full" : (data && data.message) || xhr.statusText || ("HTTP " + xhr.status);
          const err = new Error(why);
          err.status = xhr.status;
          reject(err);
        }
      };
      xhr.onerror = () => reject(new Error("the connection failed"));
      xhr.send(body === undefined ? null : body);
    });
  }

  /** Reloads the table in place, so the upload progress stays on screen. */
  function refresh() {
    if (dropBox) {
      return Promise.resolve();
    }
    return fetch(location.href, { credentials: "same-origin" }).then((r) => r.text()).then((html) => {
      const fresh = new DOMParser().parseFromString(html, "text/html");
      ["file-table"].forEach((id) => {
        const now = document.getElementById(id);
        const next = fresh.getElementById(id);
        if (now && next) {
          now.replaceWith(document.importNode(next, true));
        }
      });
      hookDrop();
    });
  }

  function updateOverall() {
    const pct = totalBytes === 0 ? 100 : Math.floor((100 * sentBytes) / totalBytes);
    overall.value = pct;
    overallText.textContent = pct + "%";
  }

  function uploadOne(file) {
    const li = document.createElement("li");
    li.className = "upload";
    const label = document.createElement("span");
    label.className = "upload-name";
    label.textContent = file.name;
    const bar = document.createElement("progress");
    bar.max = 100;
    bar.value = 0;
    bar.setAttribute("aria-label", "Upload of " + file.name);
    const state = document.createElement("span");
    state.className = "upload-state muted";
    state.textContent = "0%";
    li.append(label, bar, state);
    list.append(li);
    let counted = 0;
    const progress = (done) => {
      sentBytes += done - counted;
      counted = done;
      const pct = file.size === 0 ? 100 : Math.floor((100 * done) / file.size);
      bar.value = pct;
      state.textContent = pct + "%";
      updateOverall();
    };
    return send("PUT", urlOf(file.name), file, progress).then((stored) => {
      progress(file.size);
      li.classList.add("done");
      state.textContent = stored && stored.name !== file.name ? "done · saved as " + stored.name : "100% · done";
    }, (e) => {
      li.classList.add("failed");
      state.textContent = "failed: " + e.message;
      throw e;
    });
  }

  function uploadAll(files) {
    if (!files.length) {
      return;
    }
    errorBox.hidden = true;
    uploads.hidden = false;
    for (const f of files) {
      totalBytes += f.size;
    }
    updateOverall();
    let chain = Promise.resolve();
    const failures = [];
    for (const f of files) {
      chain = chain.then(() => uploadOne(f).catch((e) => failures.push(f.name + ": " + e.message)));
    }
    chain.then(() => {
      if (failures.length) {
        showError("Some uploads failed. " + failures.join("; "));
      }
      return refresh();
    });
  }

  const input = document.getElementById("upload-input");
  if (input) {
    input.addEventListener("change", () => {
      uploadAll(Array.from(input.files));
      input.value = "";
    });
  }

  function hookDrop() {
    const zone = document.getElementById(dropBox ? "drop-zone" : "file-table");
    if (!zone || !zone.classList.contains("drop-zone")) {
      return;
    }
    zone.addEventListener("dragover", (e) => {
      e.preventDefault();
      zone.classList.add("dragging");
    });
    zone.addEventListener("dragleave", () => zone.classList.remove("dragging"));
    zone.addEventListener("drop", (e) => {
      e.preventDefault();
      zone.classList.remove("dragging");
      uploadAll(Array.from(e.dataTransfer.files));
    });
  }
  hookDrop();

  const mkdir = document.getElementById("mkdir-form");
  if (mkdir) {
    mkdir.addEventListener("submit", (e) => {
      e.preventDefault();
      const name = mkdir.elements.name.value.trim();
      send("POST", urlOf(name), JSON.stringify({ action: "mkdir" }))
        .then(() => { mkdir.reset(); return refresh(); }, (err) => showError("The folder could not be made: " + err.message));
    });
  }

  root.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-action='delete']");
    if (!button) {
      return;
    }
    const row = button.closest("tr");
    send("DELETE", row.dataset.url.replace(/\/$/, "")).then(refresh, (err) => showError("Deleting " + row.dataset.name + " failed: " + err.message));
  });
}());
