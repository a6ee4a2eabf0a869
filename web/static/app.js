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
