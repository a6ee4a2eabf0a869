/* What the file browser (files.js) and a public link's page (link.js) share: a request with the page's CSRF token
   and upload progress, and the upload list (a progress bar per file and one for all, files sent one after another).
   Each page brings its own way of sending a file. */
"use strict";

window.Labhub = window.Labhub || {};

/**
 * Sends a request with XHR, which reports upload progress (fetch does not). Resolves with the parsed JSON answer
 * (null when there is none); rejects with an Error carrying the hub's message and the HTTP status.
 * options: csrf (the page's token), onProgress(bytesSent), messages ({status: text} to say instead of the hub's).
 */
window.Labhub.send = function (method, url, body, options) {
  const opts = options || {};
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(method, url);
    xhr.setRequestHeader("X-CSRF-Token", opts.csrf);
    if (typeof body === "string") {
      xhr.setRequestHeader("Content-Type", "application/json");
    } else if (body instanceof Blob) {
      // Not the file's own type: a .txt would go as text/plain, which the hub refuses on writes (simple-request CSRF).
      xhr.setRequestHeader("Content-Type", "application/octet-stream");
    }
    if (opts.onProgress) {
      xhr.upload.onprogress = (e) => opts.onProgress(e.loaded);
    }
    xhr.onload = () => {
      let data = null;
      try { data = JSON.parse(xhr.responseText); } catch (ignored) { data = null; }
      if (xhr.status >= 200 && xhr.status < 300) {
        resolve(data);
      } else {
        const said = opts.messages && opts.messages[xhr.status];
        const err = new Error(said || (data && data.message) || xhr.statusText || ("HTTP " + xhr.status));
        err.status = xhr.status;
        reject(err);
      }
    };
    xhr.onerror = () => reject(new Error("the connection failed"));
    xhr.send(body === undefined ? null : body);
  });
};

/**
 * The upload list of the page (#uploads, #upload-list, #upload-overall, #upload-overall-text; failures in #files-error).
 * transfer(file, progress) sends one file, calling progress(bytesSent), and resolves with what the hub stored
 * ({name} when it kept another name) or null. afterAll() runs when the batch is over.
 * Returns add(files), for the file input and drops.
 */
window.Labhub.uploadList = function (transfer, afterAll) {
  const errorBox = document.getElementById("files-error");
  const uploads = document.getElementById("uploads");
  const list = document.getElementById("upload-list");
  const overall = document.getElementById("upload-overall");
  const overallText = document.getElementById("upload-overall-text");
  let totalBytes = 0;
  let sentBytes = 0;

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
    return transfer(file, progress).then((stored) => {
      progress(file.size);
      li.classList.add("done");
      state.textContent = stored && stored.name && stored.name !== file.name ? "done · saved as " + stored.name : "100% · done";
    }, (e) => {
      li.classList.add("failed");
      state.textContent = "failed: " + e.message;
      throw e;
    });
  }

  return function add(files) {
    if (!files.length) {
      return;
    }
    errorBox.hidden = true;
    uploads.hidden = false;
    for (const f of files) {
      totalBytes += f.size;
    }
    updateOverall();
    // One after another: a class uploading at once should not open dozens of connections each.
    let chain = Promise.resolve();
    const failures = [];
    for (const f of files) {
      chain = chain.then(() => uploadOne(f).catch((e) => failures.push(f.name + ": " + e.message)));
    }
    chain.then(() => {
      if (failures.length) {
        errorBox.textContent = "Some uploads failed. " + failures.join("; ");
        errorBox.hidden = false;
      }
      return afterAll();
    });
  };
};

/** Sends the files chosen in a file input to add(files), and clears the input for the next choice. */
window.Labhub.hookFileInput = function (input, add) {
  if (input) {
    input.addEventListener("change", () => {
      add(Array.from(input.files));
      input.value = "";
    });
  }
};
