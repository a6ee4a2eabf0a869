/* The file browser's actions, sent to the file API (/api/files, /api/uploads, /api/trash) with the page's CSRF token.
   Large files go up in pieces: a piece that fails is sent again from the offset the hub has, not from the start. */
"use strict";

(function () {
  const CHUNK = 8 * 1024 * 1024;
  const RETRIES = 3;
  const root = document.getElementById("files") || document.getElementById("trash");
  if (!root) {
    return;
  }
  const csrf = root.dataset.csrf;
  const errorBox = document.getElementById("files-error");

  function showError(message) {
    errorBox.textContent = message;
    errorBox.hidden = false;
  }

  function call(method, url, body) {
    const init = { method: method, credentials: "same-origin", headers: { "X-CSRF-Token": csrf } };
    if (body !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    return fetch(url, init).then((r) => {
      if (r.ok) {
        return r.status === 204 ? null : r.json();
      }
      return r.json().catch(() => ({ message: r.statusText })).then((e) => { throw new Error(e.message || r.statusText); });
    });
  }

  /** Reloads the table (and usage) in place, so the upload progress stays on screen. */
  function refresh() {
    return fetch(location.href, { credentials: "same-origin" }).then((r) => r.text()).then((html) => {
      const fresh = new DOMParser().parseFromString(html, "text/html");
      ["file-table", "usage"].forEach((id) => {
        const now = document.getElementById(id);
        const next = fresh.getElementById(id);
        if (now && next) {
          now.replaceWith(document.importNode(next, true));
        }
      });
      hookDrop();
    });
  }

  if (root.id === "trash") {
    root.addEventListener("click", (event) => {
      const button = event.target.closest("[data-trash-action]");
      if (!button) {
        return;
      }
      const row = button.closest("tr");
      const action = button.dataset.trashAction;
      let done;
      if (action === "restore") {
        done = call("POST", "/api/trash/" + encodeURIComponent(row.dataset.id) + "/restore");
      } else if (action === "delete") {
        done = call("DELETE", "/api/trash/" + encodeURIComponent(row.dataset.id));
      } else {
        done = call("DELETE", "/api/trash");
      }
      done.then(() => location.reload(), (e) => showError(e.message));
    });
    return;
  }

  const api = root.dataset.api;
  const owner = root.dataset.owner;
  const relpath = root.dataset.relpath;

  function encPath(path) {
    return path.split("/").filter((s) => s !== "").map(encodeURIComponent).join("/");
  }

  // ---- uploads ----
  /** A small file in one PUT; a large one in pieces through /api/uploads, committed at the end. */
  function transfer(file, progress) {
    const target = owner + "/" + (relpath ? relpath + "/" : "") + file.name;
    if (file.size <= CHUNK) {
      return Labhub.send("PUT", "/api/files/" + encPath(target), file, { csrf: csrf, onProgress: progress });
    }
    return call("POST", "/api/uploads", { path: target, size: file.size }).then((u) => pieces(u.id, file, 0, RETRIES, progress))
      .then((id) => call("POST", "/api/uploads/" + encodeURIComponent(id) + "/commit", { overwrite: true }));
  }

  /** Sends the file from {@code offset} in pieces; after a failure asks the hub where it stands and goes on from there. */
  function pieces(id, file, offset, retries, progress) {
    if (offset >= file.size) {
      return Promise.resolve(id);
    }
    const end = Math.min(file.size, offset + CHUNK);
    const url = "/api/uploads/" + encodeURIComponent(id) + "?offset=" + offset;
    return Labhub.send("PUT", url, file.slice(offset, end), { csrf: csrf, onProgress: (loaded) => progress(offset + loaded) })
      .then((u) => pieces(id, file, u.offset, RETRIES, progress), (e) => {
        if (retries <= 0 || e.status === 507 || e.status === 403) {
          throw e;
        }
        return call("GET", "/api/uploads/" + encodeURIComponent(id)).then((u) => pieces(id, file, u.offset, retries - 1, progress));
      });
  }

  const uploadAll = Labhub.uploadList(transfer, refresh);
  Labhub.hookFileInput(document.getElementById("upload-input"), uploadAll);

  function hookDrop() {
    const zone = document.getElementById("file-table");
    if (!zone || root.dataset.writable !== "true") {
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

  // ---- folder, rename, move, delete, share ----
  const mkdir = document.getElementById("mkdir-form");
  if (mkdir) {
    mkdir.addEventListener("submit", (e) => {
      e.preventDefault();
      const name = mkdir.elements.name.value.trim();
      call("POST", api + "/" + encodeURIComponent(name), { action: "mkdir" })
        .then(() => { mkdir.reset(); return refresh(); }, (err) => showError("The folder could not be made: " + err.message));
    });
  }

  function ask(dialogId, fill) {
    const dialog = document.getElementById(dialogId);
    const form = dialog.querySelector("form");
    fill(form);
    return new Promise((resolve) => {
      dialog.addEventListener("close", () => resolve(dialog.returnValue === "ok" ? form : null), { once: true });
      dialog.showModal();
    });
  }

  /** Unpacks a zip next to it (all or nothing on the hub's side); an indeterminate bar while it runs, then words. */
  function extract(button, name, itemApi) {
    const status = document.getElementById("extract-status");
    const bar = document.getElementById("extract-bar");
    const text = document.getElementById("extract-text");
    errorBox.hidden = true;
    button.disabled = true;
    status.hidden = false;
    bar.hidden = false;
    text.textContent = "Extracting " + name + "…";
    call("POST", itemApi, { action: "extract" }).then((r) => {
      const folder = r.path.substring(r.path.lastIndexOf("/") + 1);
      const count = (n, one) => n + " " + one + (n === 1 ? "" : "s");
      text.textContent = "Extracted " + name + " into " + folder + "/: " + count(r.files, "file") + ", " + count(r.folders, "folder") + ".";
      return refresh();
    }, (err) => {
      status.hidden = true;
      showError("Extracting " + name + " failed: " + err.message);
    }).finally(() => {
      bar.hidden = true;
      button.disabled = false;
    });
  }

  root.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-action]");
    if (!button) {
      return;
    }
    const row = button.closest("tr");
    const name = row.dataset.name;
    const itemApi = row.dataset.api;
    const fail = (what) => (err) => showError(what + " failed: " + err.message);
    switch (button.dataset.action) {
      case "rename":
        ask("rename-dialog", (f) => { f.elements.name.value = name; }).then((f) => {
          if (f && f.elements.name.value.trim() !== name) {
            call("POST", itemApi, { action: "rename", name: f.elements.name.value.trim() }).then(refresh, fail("Renaming " + name));
          }
        });
        break;
      case "move":
        ask("move-dialog", (f) => { f.elements.to.value = relpath; }).then((f) => {
          if (f) {
            const folder = f.elements.to.value.replace(/^\/+|\/+$/g, "");
            const to = owner + "/" + (folder ? folder + "/" : "") + name;
            call("POST", itemApi, { action: "move", to: to }).then(refresh, fail("Moving " + name));
          }
        });
        break;
      case "extract":
        extract(button, name, itemApi);
        break;
      case "delete":
        call("DELETE", itemApi).then(refresh, fail("Deleting " + name));
        break;
      case "share":
        ask("share-dialog", (f) => {
          document.getElementById("share-name").textContent = name;
          document.getElementById("share-result").textContent = "";
        }).then((f) => {
          if (f) {
            const body = { path: row.dataset.path, kind: f.elements.kind.value, with: f.elements.with.value.trim(),
              permissions: f.elements.permissions.value };
            call("POST", "/api/shares", body).then(() => showError("Shared " + name + "."), fail("Sharing " + name));
          }
        });
        break;
      default:
        break;
    }
  });
}());
