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
  document.querySelectorAll(".theme-switch-button svg").forEach((svg) => {
    svg.querySelectorAll("title").forEach((t) => t.remove());
    svg.removeAttribute("aria-labelledby");
    svg.removeAttribute("role");
    svg.setAttribute("aria-hidden", "true");
  });
  // sphinxcontrib-bibtex marks entries of a role="list" with the deprecated
  // doc-biblioentry role; a list needs listitem children.
  document
    .querySelectorAll('[role="list"] > [role="doc-biblioentry"]')
    .forEach((el) => el.setAttribute("role", "listitem"));
}
// The icon script swaps <i> for <svg> around the load event: repair after it.
window.addEventListener("load", () =>
  setTimeout(() => {
    repairAccessibility();
    window.courseAccessibilityRepaired = true;
  }, 50),
);
