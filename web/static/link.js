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

  /** The link's own URLs, with the page's token; a full storage is the owner's, which is what a visitor needs to know. */
  function send(method, url, body, onProgress) {
    return Labhub.send(method, url, body, { csrf: csrf, onProgress: onProgress, messages: { 507: "the owner's storage is full" } });
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

  const uploadAll = Labhub.uploadList((file, progress) => send("PUT", urlOf(file.name), file, progress), refresh);
  Labhub.hookFileInput(document.getElementById("upload-input"), uploadAll);

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
