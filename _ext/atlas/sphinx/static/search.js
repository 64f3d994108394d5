/* Search: find study pages with Pagefind, narrowed by evidence level, PEM status and design.
 *
 * The build indexes the site in shards (see _ext/atlas/sphinx/search.py): the
 * first bundle in pagefind/ holds the guide, tag and level pages, and each
 * folder the manifest pagefind/atlas-search.json lists holds some of the study
 * pages. This script merges them with Pagefind's own API, adds a checkbox per
 * filter value in the vocabulary's order (ticked boxes in one group match any
 * of them; groups narrow each other, as on the browse page), and shows each
 * result with its badges. Words and filters live in the address, so a search
 * can be shared; a change replaces the history entry. No other script.
 */
(function () {
  "use strict";

  const form = document.getElementById("atlas-search");
  if (!form) return;
  // This file is served from _static/, so the site root is one folder up.
  const siteRoot = new URL("../", document.currentScript.src);
  const bundle = new URL("pagefind/", siteRoot);
  const PAGE_SIZE = 10;
  const numbers = new Intl.NumberFormat("en");

  const input = document.getElementById("atlas-search-input");
  const filterBox = document.getElementById("atlas-search-filters");
  const panel = document.getElementById("atlas-search-panel");
  const chosenCount = document.getElementById("atlas-search-chosen");
  // The filters are always open on a wide screen; on a phone they fold under the box.
  const wide = window.matchMedia("(min-width: 48em)");
  const status = document.getElementById("atlas-search-status");
  const list = document.getElementById("atlas-search-results");
  const more = document.getElementById("atlas-search-more");
  const stale = document.getElementById("atlas-search-stale");

  let pagefind = null;
  let groups = [];
  let results = [];
  let shown = 0;
  let latest = 0;
  let pause = 0;
  let countsLoaded = false;

  function say(message) {
    status.textContent = message;
  }

  function plural(count, one, many) {
    return `${numbers.format(count)} ${count === 1 ? one : many}`;
  }

  /* The boxes of every group, from the manifest, ticked as the address says. */
  function drawFilters(params) {
    filterBox.replaceChildren();
    for (const group of groups) {
      const fieldset = document.createElement("fieldset");
      fieldset.className = "atlas-search-facet";
      fieldset.dataset.facet = group.key;
      const legend = document.createElement("legend");
      legend.textContent = group.name;
      fieldset.append(legend);
      const wanted = params.getAll(group.key);
      group.values.forEach((value, position) => {
        const id = `atlas-search-${group.key}-${position}`;
        const box = document.createElement("input");
        box.type = "checkbox";
        box.id = id;
        box.name = group.key;
        box.value = value;
        box.checked = wanted.includes(value);
        const label = document.createElement("label");
        label.htmlFor = id;
        const name = document.createElement("span");
        name.textContent = value;
        const count = document.createElement("span");
        count.className = "atlas-search-count";
        label.append(name, count);
        const row = document.createElement("div");
        row.className = "atlas-search-choice";
        row.append(box, label);
        fieldset.append(row);
      });
      if (group.values.length > 6) {
        // A long list (designs) folds away, open when one of its boxes is ticked.
        const details = document.createElement("details");
        details.className = "atlas-search-more-filters";
        details.open = wanted.length > 0;
        const summary = document.createElement("summary");
        summary.textContent = group.name;
        legend.className = "visually-hidden";
        details.append(summary, fieldset);
        filterBox.append(details);
      } else {
        filterBox.append(fieldset);
      }
    }
    panel.hidden = groups.length === 0;
    panel.open = wide.matches || [...params.keys()].some((key) => key !== "q");
  }

  /* Pagefind loads each filter's counts on request: only once the filters are in view. */
  async function loadCounts() {
    if (countsLoaded || !panel.open) return;
    countsLoaded = true;
    await pagefind.filters();
  }

  /* Ticked values per group: OR within a group, AND across groups (Pagefind's "any"). */
  function chosenFilters() {
    const filters = {};
    for (const group of groups) {
      const values = [...filterBox.querySelectorAll(`input[name="${group.key}"]:checked`)].map(
        (box) => box.value,
      );
      if (values.length) filters[group.key] = { any: values };
    }
    const ticked = Object.values(filters).reduce((sum, chosen) => sum + chosen.any.length, 0);
    chosenCount.textContent = ticked ? ` (${plural(ticked, "box ticked", "boxes ticked")})` : "";
    return filters;
  }

  function remember(query, filters) {
    const params = new URLSearchParams();
    if (query) params.set("q", query);
    for (const [key, chosen] of Object.entries(filters)) {
      for (const value of chosen.any) params.append(key, value);
    }
    const text = params.toString();
    history.replaceState(null, "", text ? `?${text}` : location.pathname);
  }

  /* How many results each box would give with the words alone, beside its label. */
  function showCounts(totals) {
    for (const box of filterBox.querySelectorAll("input[type=checkbox]")) {
      const count = totals?.[box.name]?.[box.value] ?? 0;
      box.nextElementSibling.querySelector(".atlas-search-count").textContent = ` (${numbers.format(count)})`;
    }
  }

  /* Pagefind's excerpt, keeping only its text and its <mark> highlights. */
  function excerptNodes(html) {
    const parsed = new DOMParser().parseFromString(`<p>${html}</p>`, "text/html");
    const nodes = [];
    for (const node of parsed.body.firstChild.childNodes) {
      if (node.nodeName === "MARK") {
        const mark = document.createElement("mark");
        mark.textContent = node.textContent;
        nodes.push(mark);
      } else {
        nodes.push(document.createTextNode(node.textContent));
      }
    }
    return nodes;
  }

  function kindOf(url) {
    const path = new URL(url, siteRoot).pathname;
    if (path.includes("/studies/")) return null;
    if (path.includes("/tags/")) return "Tag page";
    if (path.includes("/evidence/")) return "Evidence level page";
    return "Guide page";
  }

  function resultItem(data) {
    const item = document.createElement("li");
    item.className = "atlas-search-result";
    const title = document.createElement("a");
    title.className = "atlas-search-title";
    title.href = new URL(data.url.replace(/^\//, ""), siteRoot).href;
    title.textContent = data.meta.title || data.url;
    const heading = document.createElement("p");
    heading.append(title);
    if (data.meta.retracted) {
      const flag = document.createElement("span");
      flag.className = "atlas-flag-retracted";
      flag.textContent = "Retracted";
      heading.append(" ", flag);
    }
    item.append(heading);
    const kind = kindOf(data.url);
    const badges = document.createElement("p");
    badges.className = "atlas-search-badges";
    if (kind) {
      badges.textContent = kind;
    } else {
      const parts = [
        ["Evidence", data.meta.level],
        ["PEM", data.meta.pem && data.meta.pem.replace(/^PEM /, "")],
        ["Design", data.meta.design],
        ["Year", data.meta.year],
      ];
      for (const [name, value] of parts) {
        if (!value) continue;
        const badge = document.createElement("span");
        badge.className = "atlas-search-badge";
        const label = document.createElement("span");
        label.className = "atlas-search-badge-name";
        label.textContent = `${name}: `;
        badge.append(label, value);
        badges.append(badge);
      }
    }
    item.append(badges);
    if (data.excerpt) {
      const excerpt = document.createElement("p");
      excerpt.className = "atlas-search-excerpt";
      excerpt.append(...excerptNodes(data.excerpt));
      item.append(excerpt);
    }
    return item;
  }

  async function showMore(run) {
    const next = results.slice(shown, shown + PAGE_SIZE);
    const data = await Promise.all(next.map((result) => result.data()));
    if (run !== latest) return;
    list.append(...data.map(resultItem));
    shown += next.length;
    more.hidden = shown >= results.length;
  }

  async function run() {
    const query = input.value.trim();
    const filters = chosenFilters();
    remember(query, filters);
    const current = ++latest;
    if (!query && !Object.keys(filters).length) {
      list.replaceChildren();
      more.hidden = true;
      showCounts({});
      say("");
      return;
    }
    say("Searching…");
    const search = await pagefind.search(query || null, { filters });
    if (current !== latest || !search) return;
    results = search.results;
    shown = 0;
    list.replaceChildren();
    await showMore(current);
    if (current !== latest) return;
    showCounts(query ? search.totalFilters : search.filters);
    const found = plural(results.length, "result", "results");
    say(results.length ? `${found}.` : "No results. Try fewer words, or untick some boxes.");
  }

  function soon() {
    clearTimeout(pause);
    pause = setTimeout(run, 250);
  }

  async function start() {
    const params = new URLSearchParams(location.search);
    input.value = params.get("q") || "";
    say("Loading search…");
    const manifest = await (await fetch(new URL("atlas-search.json", bundle), { cache: "no-store" })).json();
    groups = manifest.filters;
    stale.hidden = !manifest.stale;
    drawFilters(params);
    pagefind = await import(new URL("pagefind.js", bundle).href);
    await pagefind.options({ excerptLength: 24 });
    await pagefind.init();
    await Promise.all(
      manifest.bundles.map((path) => pagefind.mergeIndex(new URL(path, bundle).pathname)),
    );
    await loadCounts();
    say("");
    panel.addEventListener("toggle", async () => {
      if (!countsLoaded && panel.open) {
        await loadCounts();
        run();
      }
    });
    wide.addEventListener("change", () => {
      if (wide.matches) panel.open = true;
    });
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      clearTimeout(pause);
      run();
    });
    input.addEventListener("input", soon);
    filterBox.addEventListener("change", () => {
      clearTimeout(pause);
      run();
    });
    more.addEventListener("click", () => showMore(latest));
    await run();
  }

  start().catch(() => {
    say("Search could not load. You can still find studies on the browse page.");
  });
})();
