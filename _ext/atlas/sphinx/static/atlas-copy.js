// Copy buttons for the citation blocks on study pages. No library: the
// Clipboard API where the browser allows it (https or localhost), otherwise the
// text is selected so Ctrl+C or Cmd+C copies it.
document.addEventListener("click", (event) => {
  const button = event.target.closest("button[data-copy]");
  if (!button) return;
  const source = document.getElementById(button.dataset.copy);
  const status = button.closest("details")?.querySelector(".atlas-copy-status");
  const say = (text) => { if (status) status.textContent = text; };
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
