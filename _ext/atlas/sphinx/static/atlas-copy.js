// Copy buttons for the citation blocks on study pages. No library: the
// Clipboard API where the browser allows it (https or localhost), otherwise the
// text is selected so Ctrl+C or Cmd+C copies it. What happened is said in the
// status line beside the button, which screen readers announce.
document.addEventListener("click", (event) => {
  const button = event.target.closest("button[data-copy]");
  if (!button) return;
  const source = document.getElementById(button.dataset.copy);
  const status = button.parentElement.querySelector(".atlas-copy-status");
  const say = (text) => {
    for (const other of document.querySelectorAll(".atlas-copy-status")) {
      if (other !== status) other.textContent = "";
    }
    if (status) status.textContent = text;
  };
  const select = () => {
    const range = document.createRange();
    range.selectNodeContents(source);
    const selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    say("Selected. Press Ctrl+C (or Cmd+C) to copy.");
  };
  if (!source) return;
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(source.innerText).then(() => say("Copied."), select);
  } else {
    select();
  }
});

// The citation block is open in the page as written, so it stays open without
// scripts. On a phone-sized screen it would push the rest of the page far
// down, so there it starts closed, unless the address points at it.
if (window.matchMedia("(max-width: 46em)").matches && window.location.hash !== "#cite") {
  for (const block of document.querySelectorAll("details.atlas-cite[open]")) block.open = false;
}
