/* Browse: filter every study of the atlas in the reader's browser.
 *
 * The build writes browse.json (see _ext/atlas/sphinx/browse.py): the
 * vocabulary's labels once, then one short row per study. This script adds a
 * checkbox per value to the form on the browse page, filters on every change,
 * and keeps the filters in the address, so a view can be shared (the "Copy link
 * to this view" button copies it). A filter change replaces the history entry,
 * so Back leaves the page. On a phone the filters fold into a panel and the count
 * with the first match stays in sight while you tick. No framework, no other script.
 */
(function () {
  "use strict";

  const form = document.getElementById("atlas-browse");
  if (!form) return;
  const panel = document.getElementById("atlas-browse-panel");

  // This file is served from _static/, so the site root is one folder up.
  const siteRoot = new URL("../", document.currentScript.src);
  const FACETS = ["level", "pem", "design", "tag", "people", "family"];
  // Facets where a study has several values (its tags, the families of its findings).
  const MANY = new Set(["tag", "family"]);
  const SORTS = ["newest", "oldest", "level", "updated"];
  const PAGE_SIZE = 50;
  const numbers = new Intl.NumberFormat("en");
  const dates = new Intl.DateTimeFormat("en-GB", { dateStyle: "long", timeZone: "UTC" });

  const text = document.getElementById("atlas-browse-q");
  const from = document.getElementById("atlas-browse-from");
  const to = document.getElementById("atlas-browse-to");
  const sort = document.getElementById("atlas-browse-sort");
  const count = document.getElementById("atlas-browse-count");
  const list = document.getElementById("atlas-browse-list");
  const more = document.getElementById("atlas-browse-more");
  const chosenCount = document.getElementById("atlas-browse-chosen");
  const status = document.getElementById("atlas-browse-status");
  const peek = document.getElementById("atlas-browse-peek");
  const peekLink = document.getElementById("atlas-browse-peek-link");
  const copy = document.getElementById("atlas-browse-copy");
  const copied = document.getElementById("atlas-browse-copied");
  // The filter panel is always open on a wide screen; on a phone it starts folded.
  const wide = window.matchMedia("(min-width: 48em)");

  let atlas = null; // the decoded index, see decode()
  let boxes = []; // every checkbox with its group and value: [input, facet, position, count]
  let results = []; // study positions that match, in the chosen order
  let shown = 0; // how many of them the list shows
  let announceTimer = 0;
  let copiedTimer = 0;

  fetch(new URL("browse.json", siteRoot))
    .then((response) => {
      if (!response.ok) throw new Error(response.statusText);
      return response.json();
    })
    .then(start)
    .catch(fail);

  /** Lower case without accents, so "Vollestad" finds "Vøllestad" and "Völlestad". */
  function fold(value) {
    return value
      .normalize("NFD")
      .replace(/[\u0300-\u036f]/g, "")
      .replace(/ø/g, "o")
      .toLowerCase();
  }

  /** Column-wise arrays are quicker to scan than one object per study. */
  function decode(index) {
    const column = Object.fromEntries(index.columns.map((name, position) => [name, position]));
    const rows = index.studies;
    const pick = (name, missing) => rows.map((row) => row[column[name]] ?? missing);
    const values = {};
    const keys = {};
    for (const facet of FACETS) {
      values[facet] = index[facet];
      keys[facet] = new Map(index[facet].map((value, position) => [value[0], position]));
    }
    const years = pick("year", 0).filter(Boolean);
    return {
      size: rows.length,
      url: pick("path", "").map((path) => index.url.prefix + path + index.url.suffix),
      title: pick("title", ""),
      folded: pick("title", "").map(fold),
      year: Int16Array.from(pick("year", 0)),
      level: Int8Array.from(pick("level", -1)),
      pem: Int8Array.from(pick("pem", -1)),
      design: Int8Array.from(pick("design", -1)),
      tag: pick("tags", []),
      people: Int8Array.from(pick("people", -1)),
      family: pick("measured", []),
      updated: pick("updated", ""),
      retracted: Uint8Array.from(pick("retracted", 0)),
      values,
      keys,
      families: index.families,
      badges: index.badges,
      firstYear: years.length ? Math.min(...years) : 0,
      lastYear: years.length ? Math.max(...years) : 0,
      orders: {},
    };
  }

  function start(index) {
    atlas = decode(index);
    buildControls();
    const state = stateFromAddress();
    showState(state);
    form.hidden = false;
    panel.hidden = false;
    panel.open = wide.matches;
    wide.addEventListener("change", () => {
      if (wide.matches) panel.open = true;
    });
    watchStatus();
    copy.addEventListener("click", copyLink);
    form.addEventListener("change", (event) => {
      if (event.target !== text) changed(event.target);
    });
    form.addEventListener("input", (event) => {
      if (event.target === text) changed(text);
    });
    form.addEventListener("submit", (event) => event.preventDefault());
    form.addEventListener("reset", (event) => {
      event.preventDefault();
      const cleared = emptyState();
      cleared.sort = sort.value;
      showState(cleared);
      changed(null);
    });
    sort.addEventListener("change", () => changed(sort));
    more.addEventListener("click", showMore);
    window.addEventListener("popstate", () => {
      const state = stateFromAddress();
      showState(state);
      render(state, false);
    });
    render(state, false);
  }

  function fail() {
    count.textContent = "";
    const links = [
      ["evidence.html", "evidence level"],
      ["tags.html", "tag"],
    ].map(([path, label]) => {
      const link = document.createElement("a");
      link.href = new URL(path, siteRoot).href;
      link.textContent = label;
      return link;
    });
    count.append(
      "The list of studies could not be loaded. You can still find studies by ",
      links[0],
      " or by ",
      links[1],
      "."
    );
  }

  // -- the form ---------------------------------------------------------------------

  function buildControls() {
    for (const facet of ["level", "pem", "design", "people", "family"]) {
      const box = form.querySelector(`[data-facet="${facet}"]`);
      if (!box) continue;
      atlas.values[facet].forEach(([key, label], position) => {
        box.append(option(facet, position, facet === "level" ? `${key} ${label}` : label));
      });
    }
    const tagBox = form.querySelector('[data-facet="tag"]');
    atlas.families.forEach(([familyKey, familyLabel], family) => {
      const group = document.createElement("fieldset");
      group.className = "atlas-browse-family";
      const legend = document.createElement("legend");
      legend.textContent = familyLabel;
      group.append(legend);
      atlas.values.tag.forEach(([, label, tagFamily], position) => {
        if (tagFamily === family) group.append(option("tag", position, label));
      });
      group.dataset.family = familyKey;
      tagBox.append(group);
    });
    for (let year = atlas.firstYear; year <= atlas.lastYear; year++) {
      from.add(new Option(String(year), String(year)));
    }
    for (let year = atlas.lastYear; year >= atlas.firstYear; year--) {
      to.add(new Option(String(year), String(year)));
    }
  }

  /** One labelled checkbox; the count after the label is filled in by render(). */
  function option(facet, position, label) {
    const wrapper = document.createElement("div");
    wrapper.className = "atlas-browse-option";
    const input = document.createElement("input");
    input.type = "checkbox";
    input.name = facet;
    input.value = atlas.values[facet][position][0];
    input.id = `atlas-browse-${facet}-${position}`;
    const labelElement = document.createElement("label");
    labelElement.htmlFor = input.id;
    const name = document.createElement("span");
    name.textContent = label;
    const number = document.createElement("span");
    number.className = "atlas-browse-n";
    labelElement.append(name, " ", number);
    wrapper.append(input, labelElement);
    boxes.push([input, facet, position, number]);
    return wrapper;
  }

  function emptyState() {
    const state = { q: "", from: 0, to: 0, sort: "newest" };
    for (const facet of FACETS) state[facet] = new Set();
    return state;
  }

  /** What the form says now. */
  function stateFromForm() {
    const state = emptyState();
    state.q = text.value;
    state.from = Number(from.value) || 0;
    state.to = Number(to.value) || 0;
    state.sort = sort.value;
    for (const [input, facet, position] of boxes) {
      if (input.checked) state[facet].add(position);
    }
    return state;
  }

  /** Put a state into the form, and open the folded groups that hold a ticked box. */
  function showState(state) {
    text.value = state.q;
    from.value = state.from ? String(state.from) : "";
    to.value = state.to ? String(state.to) : "";
    sort.value = state.sort;
    for (const [input, facet, position] of boxes) input.checked = state[facet].has(position);
    for (const details of form.querySelectorAll("details[data-facets]")) {
      if (state[details.dataset.facets].size) details.open = true;
    }
  }

  // -- the address ------------------------------------------------------------------

  function stateFromAddress() {
    const params = new URLSearchParams(window.location.search);
    const state = emptyState();
    state.q = params.get("q") || "";
    state.from = clampYear(params.get("from"));
    state.to = clampYear(params.get("to"));
    const chosenSort = params.get("sort");
    if (SORTS.includes(chosenSort)) state.sort = chosenSort;
    for (const facet of FACETS) {
      for (const key of (params.get(facet) || "").split(",")) {
        const position = atlas.keys[facet].get(key.trim());
        if (position !== undefined) state[facet].add(position);
      }
    }
    return state;
  }

  function clampYear(value) {
    const year = parseInt(value || "", 10);
    if (!year) return 0;
    return Math.min(Math.max(year, atlas.firstYear), atlas.lastYear);
  }

  /** Keys joined by commas read better in a shared link than repeated names. */
  function addressOf(state) {
    const parts = [];
    if (state.q.trim()) parts.push("q=" + encodeURIComponent(state.q.trim()).replace(/%20/g, "+"));
    for (const facet of FACETS) {
      if (state[facet].size) {
        const keys = [...state[facet]].sort((a, b) => a - b).map((p) => atlas.values[facet][p][0]);
        parts.push(`${facet}=${keys.map(encodeURIComponent).join(",")}`);
      }
    }
    if (state.from) parts.push(`from=${state.from}`);
    if (state.to) parts.push(`to=${state.to}`);
    if (state.sort !== "newest") parts.push(`sort=${state.sort}`);
    return window.location.pathname + (parts.length ? "?" + parts.join("&") : "");
  }

  /**
   * The address always holds the view, but a change replaces the history entry
   * rather than adding one: ticking ten boxes must not take ten presses of Back
   * to leave the page.
   */
  function remember(state) {
    const address = addressOf(state);
    if (address !== window.location.pathname + window.location.search) {
      window.history.replaceState(null, "", address);
    }
  }

  function changed(control) {
    const state = stateFromForm();
    remember(state);
    render(state, control === text);
  }

  // -- sharing ----------------------------------------------------------------------

  /** Copy the view's address; where the clipboard is refused, show the address to copy. */
  function copyLink() {
    const address = window.location.href;
    const confirm = (message) => {
      copied.textContent = message;
      window.clearTimeout(copiedTimer);
      copiedTimer = window.setTimeout(() => (copied.textContent = ""), 8000);
    };
    const showAddress = () => {
      window.clearTimeout(copiedTimer);
      const field = document.createElement("input");
      field.type = "text";
      field.readOnly = true;
      field.value = address;
      field.className = "atlas-browse-address";
      field.setAttribute("aria-label", "Link to this view");
      copied.replaceChildren("Copy this link: ", field);
      field.focus();
      field.select();
    };
    if (!navigator.clipboard || !navigator.clipboard.writeText) {
      showAddress();
      return;
    }
    navigator.clipboard.writeText(address).then(
      () => confirm("Link copied. Paste it to share this view."),
      showAddress
    );
  }

  // -- the count in sight on a phone --------------------------------------------------

  /**
   * On a phone the count sticks to the bottom of the screen while the filters
   * fill it (see browse.css). While it sticks, it also names the first match, so
   * a tick shows both without scrolling; below the filters it is plain again.
   */
  function watchStatus() {
    const below = document.getElementById("atlas-browse-below");
    if (!below || !("IntersectionObserver" in window)) return;
    new IntersectionObserver((entries) => {
      for (const entry of entries) {
        const stuck = !entry.isIntersecting && entry.boundingClientRect.top > 0;
        status.classList.toggle("atlas-browse-stuck", stuck && !wide.matches);
      }
    }).observe(below);
  }

  function showFirst() {
    peek.hidden = !results.length;
    if (results.length) {
      peekLink.textContent = atlas.title[results[0]];
      peekLink.href = siteRoot.href + atlas.url[results[0]];
    }
  }

  function showChosen(state) {
    let chosen = FACETS.reduce((sum, facet) => sum + state[facet].size, 0);
    if (state.q.trim()) chosen++;
    if (state.from || state.to) chosen++;
    chosenCount.textContent = chosen ? ` (${numbers.format(chosen)} chosen)` : "";
  }

  // -- filtering --------------------------------------------------------------------

  function passes(facet, study, chosen) {
    if (MANY.has(facet)) return atlas[facet][study].some((value) => chosen.has(value));
    return chosen.has(atlas[facet][study]);
  }

  function tally(counts, facet, study) {
    if (MANY.has(facet)) {
      for (const value of atlas[facet][study]) counts[facet][value]++;
    } else if (atlas[facet][study] >= 0) {
      counts[facet][atlas[facet][study]]++;
    }
  }

  /**
   * One pass over all studies. A study that passes every filter is a result
   * and counts for every value it has. A study that fails only one group's
   * filter counts for that group's values: ticking one of them would show it.
   */
  function filter(state) {
    const matched = new Uint8Array(atlas.size);
    const counts = {};
    for (const facet of FACETS) counts[facet] = new Int32Array(atlas.values[facet].length);
    const words = fold(state.q).split(/\s+/).filter(Boolean);
    const low = Math.min(state.from || 0, state.to || 9999);
    const high = Math.max(state.from || 0, state.to || 0) || 9999;
    const active = FACETS.filter((facet) => state[facet].size);
    const yearsChosen = state.from || state.to;
    for (let study = 0; study < atlas.size; study++) {
      const year = atlas.year[study];
      if (yearsChosen && (year < low || year > high)) continue;
      if (words.length && !words.every((word) => atlas.folded[study].includes(word))) continue;
      let failed = null;
      let failures = 0;
      for (const facet of active) {
        if (!passes(facet, study, state[facet])) {
          failed = facet;
          if (++failures > 1) break;
        }
      }
      if (failures === 0) {
        matched[study] = 1;
        for (const facet of FACETS) tally(counts, facet, study);
      } else if (failures === 1) {
        tally(counts, failed, study);
      }
    }
    return { matched, counts };
  }

  /** Study positions in a sort order, computed once per order. */
  function order(name) {
    if (!atlas.orders[name]) {
      // The index comes newest first, so a row's position breaks ties.
      const positions = Array.from({ length: atlas.size }, (_, position) => position);
      const level = (study) => (atlas.level[study] < 0 ? 99 : atlas.level[study]);
      const compare = {
        newest: () => 0,
        oldest: (a, b) => atlas.year[a] - atlas.year[b],
        level: (a, b) => level(a) - level(b),
        updated: (a, b) =>
          atlas.updated[a] === atlas.updated[b] ? 0 : atlas.updated[a] < atlas.updated[b] ? 1 : -1,
      }[name];
      atlas.orders[name] = positions.sort((a, b) => compare(a, b) || a - b);
    }
    return atlas.orders[name];
  }

  // -- showing ----------------------------------------------------------------------

  function render(state, fromTyping) {
    const { matched, counts } = filter(state);
    results = order(state.sort).filter((study) => matched[study]);
    for (const [, facet, position, number] of boxes) {
      const text = `(${numbers.format(counts[facet][position])})`;
      if (number.textContent !== text) number.textContent = text;
    }
    list.replaceChildren();
    list.dataset.sort = state.sort;
    shown = 0;
    appendItems();
    showFirst();
    showChosen(state);
    // While someone types, say the count once they pause, not after every key.
    window.clearTimeout(announceTimer);
    if (fromTyping) announceTimer = window.setTimeout(announce, 400);
    else announce();
  }

  function announce() {
    const total = numbers.format(atlas.size);
    let message;
    if (!results.length) message = "No studies match. Untick a box or clear all filters.";
    else if (results.length === atlas.size) message = `All ${total} studies.`;
    else message = `${numbers.format(results.length)} of ${total} studies match.`;
    if (shown < results.length) message += ` Showing the first ${numbers.format(shown)}.`;
    count.textContent = message;
  }

  function appendItems() {
    const items = document.createDocumentFragment();
    const end = Math.min(shown + PAGE_SIZE, results.length);
    const showUpdated = sort.value === "updated";
    for (let position = shown; position < end; position++) {
      items.append(item(results[position], showUpdated));
    }
    list.append(items);
    shown = end;
    const left = results.length - shown;
    more.hidden = left <= 0;
    more.textContent = `Show ${numbers.format(Math.min(PAGE_SIZE, left))} more`;
  }

  function showMore() {
    const first = shown;
    appendItems();
    announce();
    // Keyboard users carry on reading at the first new study.
    const link = list.children[first] && list.children[first].querySelector("a");
    if (link) link.focus();
  }

  function item(study, showUpdated) {
    const entry = document.createElement("li");
    const link = document.createElement("a");
    link.className = "atlas-browse-title";
    link.href = siteRoot.href + atlas.url[study];
    link.textContent = atlas.title[study];
    entry.append(link);
    if (atlas.retracted[study]) {
      const flag = document.createElement("span");
      flag.className = "atlas-flag-retracted";
      flag.textContent = "Retracted";
      entry.append(" ", flag);
    }
    const details = document.createElement("p");
    details.className = "atlas-browse-meta";
    const level = atlas.values.level[atlas.level[study]];
    if (level) {
      const badge = document.createElement("span");
      badge.className = `sd-badge atlas-badge atlas-evidence-${level[0].toLowerCase()}`;
      badge.textContent = atlas.badges.level[atlas.level[study]];
      details.append(badge, " ");
    }
    // Each fact says what it is, in the words of the study page's badges.
    const facts = [atlas.year[study] || "Year unknown"];
    for (const facet of ["design", "pem"]) {
      const words = atlas.badges[facet][atlas[facet][study]];
      if (words) facts.push(words);
    }
    if (showUpdated && atlas.updated[study]) {
      facts.push(`updated ${dates.format(new Date(atlas.updated[study]))}`);
    }
    details.append(facts.join(" · "));
    entry.append(details);
    return entry;
  }
})();
