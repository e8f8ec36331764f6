// Small accessibility repairs of theme and extension markup (checked by axe-core in
// tests/test_browser.py), applied once the page and its icon scripts have run.
function repairAccessibility() {
  // Controls whose visible text differs from their aria-label (the search button
  // shows "Search Ctrl+K", the code toggles "Show code cell source"): let the visible
  // text be the accessible name, so what a sighted user says is what a reader hears.
  document
    .querySelectorAll(".search-button__button[aria-label], summary[aria-label]")
    .forEach((el) => el.removeAttribute("aria-label"));
  // The colour-mode switch is named by its aria-label; the titles inside its
  // (aria-hidden) icons would otherwise count as visible text.
  // Only what needs changing is changed, so running this again is a no-op.
  document.querySelectorAll(".theme-switch-button svg").forEach((svg) => {
    svg.querySelectorAll("title").forEach((t) => t.remove());
    ["aria-labelledby", "role"].forEach((name) => {
      if (svg.hasAttribute(name)) svg.removeAttribute(name);
    });
    if (svg.getAttribute("aria-hidden") !== "true") svg.setAttribute("aria-hidden", "true");
  });
  // sphinxcontrib-bibtex marks entries of a role="list" with the deprecated
  // doc-biblioentry role; a list needs listitem children.
  document
    .querySelectorAll('[role="list"] > [role="doc-biblioentry"]')
    .forEach((el) => el.setAttribute("role", "listitem"));
}
// Code and output blocks that scroll sideways must be focusable, so keyboard users can
// scroll them. The theme marks them on load, but a block inside a folded solution only
// starts to scroll once it is opened: mark those again after every toggle.
function markScrollableBlocks() {
  document
    .querySelectorAll("pre, .cell_output > .output")
    .forEach((el) => {
      if (el.scrollWidth > el.clientWidth) el.tabIndex = 0;
    });
}
document.addEventListener("click", (event) => {
  if (event.target.closest(".toggle-button, .admonition-title, summary")) {
    setTimeout(markScrollableBlocks, 50);
  }
});

// The icon script swaps <i> for <svg> around the load event, sometimes later on a slow
// machine: repair after load, and again whenever the icons of the colour-mode switch
// are replaced (a MutationObserver on their child nodes; the repair itself only changes
// attributes and removes titles, so it settles after one pass).
const iconObserver = new MutationObserver(() => repairAccessibility());
window.addEventListener("load", () =>
  setTimeout(() => {
    repairAccessibility();
    markScrollableBlocks();
    document
      .querySelectorAll(".theme-switch-button")
      .forEach((button) => iconObserver.observe(button, { childList: true, subtree: true }));
    window.courseAccessibilityRepaired = true;
  }, 50),
);
