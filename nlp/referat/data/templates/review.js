// The referat review page (inlined into review.html, allowed by its hash in the CSP).
// #referat-meta holds an index (per document: identity, meeting, its items' type and
// score); #referat-data holds each record gzipped and base64-encoded, one a line, and
// a record is decoded only when a page shows it (or a search needs its text), so a
// large archive opens at once. Only one page of items is in the DOM at a time, built
// with textContent (document text never becomes markup). Corrections change the
// records in place, are kept in localStorage, and "Save corrections" downloads the
// touched records as JSONL for `referat import --format review`.
(function () {
  "use strict";

  var META = JSON.parse(document.getElementById("referat-meta").textContent);
  var INDEX = META.index;  // per document: doc_id, sha256, source, format, meeting, items (number, title, type, score, start)
  var CHUNKS = document.getElementById("referat-data").textContent.split("\n");
  var DOCS = new Array(INDEX.length);  // the full records, decoded on first use
  var decoding = {};
  var STORE = "referat-review:" + META.key;
  var PAGE_SIZE = META.page_size || 20;
  var LABELS = META.labels.slice();
  var TYPES = META.types;
  var OUTCOMES = META.outcomes;
  var TYPE_KEYS = { o: "orientering", b: "beslutning", d: "drøftelse" };

  var state = {
    view: "queue", page: 0, docIndex: 0, query: "", body: "", from: "", to: "",
    types: {}, hideReviewed: false, focus: null, selected: null, pending: null
  };
  TYPES.concat(["none"]).forEach(function (t) { state.types[t] = true; });
  var touched = {};      // doc index -> true once the reviewer changed anything in it
  var undoStack = [];
  var haystacks = new Map();  // item object -> lower-cased title and text, built on first search
  var shown = [];        // [{d, item}] of the current page, in order
  var saveTimer = null;

  var $ = function (id) { return document.getElementById(id); };

  // Bidi embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069) would make the page show
  // something other than what the text says ("Trojan Source"): they are shown as tokens, never applied.
  var BIDI = /[\u202A-\u202E\u2066-\u2069]/g;
  function visible(text) {
    return String(text).replace(BIDI, function (c) {
      return "\u27E8U+" + c.charCodeAt(0).toString(16).toUpperCase() + "\u27E9";
    });
  }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (key) {
        var value = attrs[key];
        if (value === null || value === undefined || value === false) { return; }
        if (key === "text") { node.textContent = visible(value); }
        else if (key === "cls") { node.className = value; }
        else { node.setAttribute(key, value === true ? "" : String(value)); }
      });
    }
    (children || []).forEach(function (child) {
      if (child !== null && child !== undefined) {
        node.appendChild(typeof child === "string" ? document.createTextNode(visible(child)) : child);
      }
    });
    return node;
  }

  function cssLabel(label) { return /^[A-Za-z0-9_]+$/.test(label) ? label : "OTHER"; }

  // ---- records, decoded when needed ------------------------------------------------

  function bytesOf(base64) {
    if (Uint8Array.fromBase64) { return Uint8Array.fromBase64(base64); }
    var text = atob(base64);
    var bytes = new Uint8Array(text.length);
    for (var i = 0; i < text.length; i++) { bytes[i] = text.charCodeAt(i); }
    return bytes;
  }

  function load(d) {
    if (DOCS[d]) { return Promise.resolve(DOCS[d]); }
    if (!decoding[d]) {
      var stream = new Blob([bytesOf(CHUNKS[d])]).stream().pipeThrough(new DecompressionStream("gzip"));
      decoding[d] = new Response(stream).text().then(function (json) {
        DOCS[d] = JSON.parse(json);
        CHUNKS[d] = null;
        return DOCS[d];
      });
    }
    return decoding[d];
  }

  function loadAll() { return Promise.all(INDEX.map(function (_, d) { return load(d); })); }

  function itemsOf(d) { return DOCS[d] ? DOCS[d].items : INDEX[d].items; }

  // ---- data helpers ---------------------------------------------------------------

  function score(item) {
    var c = item.classification;
    return c && typeof c.score === "number" ? c.score : -1;  // untyped: needs a look most
  }

  function review(item) {
    if (!item.review) { item.review = { reviewed: false, changed: [], spans: { added: 0, relabelled: 0, deleted: 0 } }; }
    return item.review;
  }

  function changed(item, what) {
    var r = review(item);
    if (r.changed.indexOf(what) < 0) { r.changed.push(what); }
  }

  function docReview(d) {
    var rec = DOCS[d];
    if (!rec.review) { rec.review = { outside: { changed: [], spans: { added: 0, relabelled: 0, deleted: 0 } } }; }
    return rec.review.outside;
  }

  function spansOf(d, item) { return item ? item.entities : DOCS[d].entities; }

  // The page a reader would turn to, for paged inputs (a PDF, a scan, or more than one page).
  function pageOf(rec, offset) {
    var pages = rec.pages || [];
    if (rec.format !== "pdf" && pages.length < 2 && !pages.some(function (p) { return p.ocr; })) { return null; }
    var page = (rec.pages || []).filter(function (p) { return p.start <= offset && offset < p.end; })[0];
    return page ? page.number : null;
  }

  function pageLabel(rec, start, end) {
    var first = pageOf(rec, start), last = pageOf(rec, Math.max(start, end - 1));
    if (first === null) { return ""; }
    var label = last === null || last === first ? "page " + first : "pages " + first + "–" + last;
    var scanned = (rec.pages || []).filter(function (p) { return p.ocr && p.start < end && p.end > start; });
    if (!scanned.length) { return label; }
    var sure = scanned.map(function (p) { return p.ocr_confidence; }).filter(function (c) { return typeof c === "number"; });
    return label + (sure.length ? " (OCR, " + Math.round(100 * Math.min.apply(null, sure)) + "%)" : " (OCR)");
  }

  function danish(value) {
    if (typeof value !== "number") { return String(value); }
    return Number.isInteger(value) ? value.toLocaleString("da-DK")
      : value.toLocaleString("da-DK", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  }

  // A normalised value as a reader would say it: `aktivloven § 13 d, stk. 5`, `20.000.000 DKK`.
  function describeNorm(norm) {
    if (!norm) { return ""; }
    var rest = {};
    Object.keys(norm).forEach(function (k) { if (norm[k] !== null && norm[k] !== undefined) { rest[k] = norm[k]; } });
    var parts = [];
    var take = function (k) { var v = rest[k]; delete rest[k]; return v; };
    if ("value" in rest) {
      var value = danish(take("value"));
      if ("max" in rest) { value += "–" + danish(take("max")); }
      parts.push((value + " " + ("currency" in rest ? take("currency") : "")).trim());
    }
    if ("act" in norm) {  // a LAW; a bare § has act null
      var law = "act" in rest ? take("act") : "(no act)";
      if ("section" in rest) { law += " § " + take("section"); }
      if ("subsection" in rest) { law += ", stk. " + take("subsection"); }
      if ("number" in rest) { law += ", nr. " + take("number"); }
      parts.push(law);
    }
    if ("name" in rest) {
      var name = take("name");
      parts.push("party" in rest ? name + " (" + take("party") + ")" : String(name));
    }
    Object.keys(rest).forEach(function (k) { parts.push(k + ": " + rest[k]); });
    return parts.join("; ");
  }

  // ---- storage --------------------------------------------------------------------

  function snapshot(d) {
    return JSON.stringify({ items: DOCS[d].items, entities: DOCS[d].entities, review: DOCS[d].review || null });
  }

  function restore(d, json) {
    var saved = JSON.parse(json);
    DOCS[d].items = saved.items;
    DOCS[d].entities = saved.entities;
    if (saved.review) { DOCS[d].review = saved.review; } else { delete DOCS[d].review; }
    haystacks.clear();
  }

  // Corrections kept in this browser for these documents: their records are decoded and restored.
  function restoreStored() {
    var raw = null;
    try { raw = window.localStorage.getItem(STORE); } catch (e) { raw = null; }
    var saved = null;
    try { saved = raw ? JSON.parse(raw) : null; } catch (e) { saved = null; }
    if (!saved || !saved.docs) { return Promise.resolve(0); }
    var mine = [];
    INDEX.forEach(function (rec, d) {
      var kept = saved.docs[rec.doc_id];
      if (kept && kept.sha256 === rec.sha256) { mine.push({ d: d, kept: kept }); }
    });
    return Promise.all(mine.map(function (m) {
      return load(m.d).then(function () { restore(m.d, JSON.stringify(m.kept)); touched[m.d] = true; });
    })).then(function () { return mine.length; });
  }

  function persist() {
    clearTimeout(saveTimer);
    saveTimer = setTimeout(function () {
      var out = { version: 1, docs: {} };
      Object.keys(touched).forEach(function (d) {
        var rec = DOCS[d];
        out.docs[rec.doc_id] = { sha256: rec.sha256, items: rec.items, entities: rec.entities, review: rec.review || null };
      });
      try {
        window.localStorage.setItem(STORE, JSON.stringify(out));
      } catch (e) {
        toast("The browser's storage is full: save your corrections now, they are not kept across reloads.");
      }
    }, 150);
  }

  function change(d, fn) {
    undoStack.push({ d: d, json: snapshot(d) });
    if (undoStack.length > 200) { undoStack.shift(); }
    fn();
    touched[d] = true;
    persist();
    summary();
  }

  function undo() {
    var last = undoStack.pop();
    if (!last) { toast("Nothing to undo."); return; }
    restore(last.d, last.json);
    persist();
    render();
    toast("Undone.");
  }

  // ---- which items are shown --------------------------------------------------------

  function haystack(d, item) {
    var h = haystacks.get(item);
    if (h === undefined) {
      h = (item.title + "\n" + DOCS[d].text.slice(item.start, item.end)).toLowerCase();
      haystacks.set(item, h);
    }
    return h;
  }

  function docShown(d) {
    var m = INDEX[d].meeting || {};
    if (state.body && m.body !== state.body) { return false; }
    if (state.from && !(m.date && m.date >= state.from)) { return false; }
    if (state.to && !(m.date && m.date <= state.to)) { return false; }
    return true;
  }

  function itemShown(d, item) {
    if (!state.types[item.type || "none"]) { return false; }
    if (state.hideReviewed && item.review && item.review.reviewed) { return false; }
    if (state.query) {
      var h = haystack(d, item);
      return state.query.split(/\s+/).every(function (w) { return !w || h.indexOf(w) >= 0; });
    }
    return true;
  }

  function queue() {
    var out = [];
    INDEX.forEach(function (_, d) {
      if (!docShown(d)) { return; }
      itemsOf(d).forEach(function (item, i) { if (itemShown(d, item)) { out.push({ d: d, i: i, item: item }); } });
    });
    out.sort(function (a, b) { return score(a.item) - score(b.item) || a.d - b.d || a.item.start - b.item.start; });
    return out;
  }

  function docOrder(a, b) {  // as the document list shows them: by body, then date
    var ma = INDEX[a].meeting || {}, mb = INDEX[b].meeting || {};
    return String(ma.body || "").localeCompare(String(mb.body || "")) ||
      String(ma.date || "").localeCompare(String(mb.date || "")) || a - b;
  }

  function docsShown() {
    var out = [];
    INDEX.forEach(function (_, d) { if (docShown(d)) { out.push(d); } });
    return out.sort(docOrder);
  }

  // ---- rendering text with spans (labels in the text, as displaCy shows them) --------

  function levels(spans) {
    var order = spans.map(function (s, i) { return i; }).sort(function (a, b) {
      return spans[a].start - spans[b].start || spans[b].end - spans[a].end;
    });
    var level = [];
    var active = [];
    order.forEach(function (i) {
      active = active.filter(function (j) { return spans[j].end > spans[i].start; });
      var used = active.map(function (j) { return level[j]; });
      var l = 0;
      while (used.indexOf(l) >= 0) { l += 1; }
      level[i] = l;
      active.push(i);
    });
    return level;
  }

  function textBlock(d, item, start, end) {
    var rec = DOCS[d];
    var all = spansOf(d, item);
    var ids = [];
    all.forEach(function (s, i) { if (s.start >= start && s.end <= end) { ids.push(i); } });
    var spans = ids.map(function (i) { return all[i]; });
    var lvl = levels(spans);
    var shownEnd = start + rec.text.slice(start, end).replace(/\s+$/, "").length;  // no trailing blank lines
    spans.forEach(function (s) { shownEnd = Math.max(shownEnd, s.end); });
    end = shownEnd;
    var cuts = [start, end];
    spans.forEach(function (s) { cuts.push(s.start, s.end); });
    rec.text.slice(start, end).replace(BIDI, function (c, at) { cuts.push(start + at, start + at + 1); return c; });
    cuts = cuts.filter(function (c, i, a) { return a.indexOf(c) === i; }).sort(function (a, b) { return a - b; });
    var box = el("div", { cls: "text", "data-start": start, "data-end": end });
    box.referat = { d: d, item: item };
    var endsAt = {};
    spans.forEach(function (s, k) { (endsAt[s.end] = endsAt[s.end] || []).push(k); });
    for (var c = 0; c < cuts.length - 1; c++) {
      var a = cuts[c], b = cuts[c + 1];
      var cover = [];
      spans.forEach(function (s, k) { if (s.start <= a && s.end >= b) { cover.push(k); } });
      var seg = el("span", { cls: cover.length ? "seg ent" : "seg", "data-o": a });
      seg.textContent = visible(rec.text.slice(a, b));
      if (seg.textContent.length !== b - a) { seg.setAttribute("data-len", b - a); }  // a bidi token
      if (cover.length) {
        cover.sort(function (x, y) { return lvl[x] - lvl[y]; });
        seg.setAttribute("data-s", cover.map(function (k) { return ids[k]; }).join(" "));
        var inner = cover.reduce(function (best, k) {
          return (spans[k].end - spans[k].start) < (spans[best].end - spans[best].start) ? k : best;
        }, cover[0]);
        var name = cssLabel(spans[inner].label);
        seg.style.background = "var(--tone-" + name + ", #eaeef2)";
        seg.style.boxShadow = cover.map(function (k) {
          return "inset 0 -" + (2 + 3 * lvl[k]) + "px 0 0 var(--edge-" + cssLabel(spans[k].label) + ", #6e7781)";
        }).join(", ");
        seg.style.paddingBottom = (3 * Math.max.apply(null, cover.map(function (k) { return lvl[k]; }))) + "px";
        var page = pageOf(rec, a);
        seg.title = cover.map(function (k) {
          var s = spans[k];
          return [s.label, describeNorm(s.norm), "by " + (s.source || "?"), page ? "page " + page : ""]
            .filter(Boolean).join(" · ");
        }).join("\n");
      }
      box.appendChild(seg);
      (endsAt[b] || []).sort(function (x, y) { return lvl[y] - lvl[x]; }).forEach(function (k) {
        var tag = el("span", { cls: "tag", "data-span": ids[k], "aria-hidden": "true", text: spans[k].label });
        tag.style.background = "var(--edge-" + cssLabel(spans[k].label) + ", #6e7781)";
        box.appendChild(tag);
      });
    }
    return box;
  }

  // ---- rendering items and pages ------------------------------------------------------

  function typeButtons(d, item) {
    return el("span", { cls: "group", role: "group", "aria-label": "Item type" },
      [el("span", { text: "type" })].concat(TYPES.map(function (t) {
        var b = el("button", { type: "button", "aria-pressed": item.type === t ? "true" : "false",
                               title: t + " (" + t[0] + ")", text: t });
        b.addEventListener("click", function () { setType(d, item, t); });
        return b;
      })));
  }

  function outcomeSelect(d, item) {
    var select = el("select", { "aria-label": "Decision outcome" },
      [el("option", { value: "", text: "— none —" })].concat(OUTCOMES.map(function (o, i) {
        return el("option", { value: o, text: (i + 1) + " " + o });
      })));
    select.value = item.decision && item.decision.outcome ? item.decision.outcome : "";
    select.addEventListener("change", function () { setOutcome(d, item, select.value || null); });
    return el("label", { cls: "group" }, ["decision ", select]);
  }

  function itemView(d, item, withWhere) {
    var rec = DOCS[d];
    var m = rec.meeting || {};
    var r = item.review || {};
    var art = el("article", { cls: "item" + (r.reviewed ? " reviewed" : ""), tabindex: "-1" });
    art.referat = { d: d, item: item };
    var c = item.classification;
    var head = el("h3", null, [
      el("span", { cls: "num", text: item.number + "." }),
      el("span", { cls: "title", text: item.title }),
      el("span", { cls: "badge type-" + (item.type || "none"), text: item.type || "no type" }),
      c ? el("span", { cls: "score", title: (c.evidence || []).join("; "),
                       text: (c.source === "human" ? "set by a person" : "score " + c.score.toFixed(2) + " (" + c.source + ")") }) : null,
      item.closed ? el("span", { cls: "badge closed", text: "lukket" }) : null,
      item.case_number ? el("span", { cls: "case", text: "sag " + item.case_number }) : null,
      pageLabel(rec, item.start, item.end) ? el("span", { cls: "page", text: pageLabel(rec, item.start, item.end) }) : null,
      r.changed && r.changed.length ? el("span", { cls: "badge changed", text: "changed: " + r.changed.join(", ") }) : null,
      r.reviewed ? el("span", { cls: "badge type-beslutning", text: "✓ reviewed" }) : null
    ]);
    art.appendChild(head);
    if (withWhere) {
      art.appendChild(el("p", { cls: "where", text: [m.body, m.date, rec.source, INDEX[d].ocr].filter(Boolean).join(" · ") }));
    }
    var reviewed = el("button", { type: "button", "aria-pressed": r.reviewed ? "true" : "false", title: "r",
                                  text: r.reviewed ? "reviewed" : "mark reviewed" });
    reviewed.addEventListener("click", function () { toggleReviewed(d, item, false); });
    var merge = el("button", { type: "button", title: "merge with the next item (m)", text: "merge with next" });
    merge.addEventListener("click", function () { mergeNext(d, item); });
    var split = el("button", { type: "button", title: "split where the selection starts (s)", text: "split here" });
    split.addEventListener("mousedown", function (e) { e.preventDefault(); });  // keep the selection
    split.addEventListener("click", function () { splitAtSelection(d, item); });
    art.appendChild(el("div", { cls: "controls" }, [typeButtons(d, item), outcomeSelect(d, item), reviewed, merge, split]));
    art.appendChild(textBlock(d, item, item.start, item.end));
    art.addEventListener("click", function () { focusItem(art, false); });
    return art;
  }

  function outsideBlocks(d) {
    var rec = DOCS[d];
    var items = rec.items.slice().sort(function (a, b) { return a.start - b.start; });
    var out = [];
    var position = 0;
    items.concat([{ start: rec.text.length, end: rec.text.length }]).forEach(function (item) {
      if (rec.text.slice(position, item.start).trim()) {
        var block = el("div", { cls: "outside" }, [el("p", { cls: "where", text: "text outside the items" })]);
        block.appendChild(textBlock(d, null, position, item.start));
        out.push({ start: position, node: block });
      }
      position = Math.max(position, item.end);
    });
    return out;
  }

  function pager(node, page, pages, label) {
    node.textContent = "";
    var prev = el("button", { type: "button", text: "← previous", disabled: page <= 0 });
    var next = el("button", { type: "button", text: "next →", disabled: page >= pages - 1 });
    prev.addEventListener("click", function () { turn(-1); });
    next.addEventListener("click", function () { turn(1); });
    node.appendChild(prev);
    node.appendChild(el("span", { text: label }));
    node.appendChild(next);
  }

  var renderToken = 0;

  // Render the current page; a Promise, as the records it shows may need decoding first.
  function render() {
    closePop();
    var token = ++renderToken;
    var needAll = state.query ? loadAll() : Promise.resolve();
    if (state.query && INDEX.some(function (_, d) { return !DOCS[d]; })) {
      $("status").textContent = "Searching " + INDEX.length + " documents …";
    }
    return needAll.then(function () {
      var plan = state.view === "queue" ? queuePage() : docPage();
      return Promise.all(plan.docs.map(load)).then(function () { return plan; });
    }).then(function (plan) {
      if (token !== renderToken) { return; }  // a newer render took over
      var list = $("list");
      list.textContent = "";
      shown = [];
      list.appendChild(plan.build());
      pager($("pager-top"), state.page, plan.pages, plan.label);
      pager($("pager-bottom"), state.page, plan.pages, plan.label);
      state.focus = null;
      summary();
    });
  }

  function queuePage() {
    var q = queue();
    var pages = Math.max(1, Math.ceil(q.length / PAGE_SIZE));
    state.page = Math.min(state.page, pages - 1);
    var slice = q.slice(state.page * PAGE_SIZE, (state.page + 1) * PAGE_SIZE);
    return {
      pages: pages,
      docs: slice.map(function (e) { return e.d; }).filter(function (d, i, a) { return a.indexOf(d) === i; }),
      label: q.length ? "items " + (state.page * PAGE_SIZE + 1) + "–" + (state.page * PAGE_SIZE + slice.length) +
        " of " + q.length + ", least confident first · page " + (state.page + 1) + " of " + pages : "no items match",
      build: function () {
        var frag = document.createDocumentFragment();
        slice.forEach(function (entry) {
          var item = DOCS[entry.d].items[entry.i];
          frag.appendChild(itemView(entry.d, item, true));
          shown.push({ d: entry.d, item: item });
        });
        return frag;
      }
    };
  }

  function docPage() {
    var ds = docsShown();
    var at = ds.indexOf(state.docIndex);
    if (at < 0) { at = 0; state.docIndex = ds.length ? ds[0] : 0; }
    $("doc").value = String(state.docIndex);
    state.page = at;
    return {
      pages: Math.max(1, ds.length),
      docs: ds.length ? [state.docIndex] : [],
      label: ds.length ? "document " + (at + 1) + " of " + ds.length : "no documents match",
      build: function () { return ds.length ? documentView(state.docIndex) : document.createDocumentFragment(); }
    };
  }

  function documentView(d) {
    var rec = DOCS[d];
    var m = rec.meeting || {};
    var frag = document.createDocumentFragment();
    var head = el("section", { cls: "doc-head" }, [
      el("h2", { text: rec.source }),
      el("p", { cls: "meta", text: [m.body, m.date, m.municipality, rec.format, rec.items.length + " items", INDEX[d].ocr].filter(Boolean).join(" · ") })
    ]);
    if (rec.warnings && rec.warnings.length) {
      head.appendChild(el("p", { cls: "problems", text: rec.warnings.map(function (w) { return w.code + ": " + w.message; }).join("\n") }));
    }
    frag.appendChild(head);
    var parts = outsideBlocks(d);
    rec.items.forEach(function (item) {
      parts.push({ start: item.start, node: itemView(d, item, false), item: item });
    });
    parts.sort(function (a, b) { return a.start - b.start; }).forEach(function (p) {
      if (p.item && !itemShown(d, p.item)) { return; }
      frag.appendChild(p.node);
      if (p.item) { shown.push({ d: d, item: p.item }); }
    });
    return frag;
  }

  function summary() {
    var items = 0, reviewed = 0, changedN = 0;
    INDEX.forEach(function (_, d) {
      itemsOf(d).forEach(function (item) {
        items += 1;
        if (item.review && item.review.reviewed) { reviewed += 1; }
        if (item.review && item.review.changed.length) { changedN += 1; }
      });
    });
    $("summary").textContent = INDEX.length + " documents · " + items + " items · " + reviewed + " reviewed · " +
      changedN + " changed · " + Object.keys(touched).length + " documents with corrections";
  }

  function turn(step) {
    if (state.view === "queue") {
      state.page = Math.max(0, state.page + step);
    } else {
      var ds = docsShown();
      var at = Math.min(Math.max(0, ds.indexOf(state.docIndex) + step), ds.length - 1);
      if (at >= 0) { state.docIndex = ds[at]; }
    }
    return render().then(function () { window.scrollTo(0, 0); });
  }

  // ---- focus, selection, the span popup --------------------------------------------

  function focusItem(art, scroll) {
    document.querySelectorAll("article.item.focus").forEach(function (a) { a.classList.remove("focus"); });
    if (!art) { state.focus = null; return; }
    art.classList.add("focus");
    state.focus = art.referat;
    if (scroll) { art.scrollIntoView({ block: "start" }); art.focus({ preventScroll: true }); }
  }

  function articles() { return Array.prototype.slice.call(document.querySelectorAll("article.item")); }

  function moveFocus(step) {
    var all = articles();
    if (!all.length) { return; }
    var at = all.findIndex(function (a) { return a.classList.contains("focus"); });
    var next = at < 0 ? (step > 0 ? 0 : all.length - 1) : at + step;
    if (next >= all.length && state.view === "queue") {
      turn(1).then(function () { focusItem(articles()[0], true); });
      return;
    }
    if (next < 0 && state.view === "queue" && state.page > 0) {
      turn(-1).then(function () { var again = articles(); focusItem(again[again.length - 1], true); });
      return;
    }
    focusItem(all[Math.max(0, Math.min(next, all.length - 1))], true);
  }

  function current() {
    if (state.focus) { return state.focus; }
    var all = articles();
    return all.length === 1 ? all[0].referat : null;
  }

  function segLength(seg) {  // characters of the text a segment stands for (a bidi token stands for one)
    return seg.hasAttribute("data-len") ? Number(seg.getAttribute("data-len")) : seg.textContent.length;
  }

  function pointOffset(node, offset) {
    var box = node.nodeType === 1 ? node : node.parentNode;
    var tag = box.closest ? box.closest(".tag") : null;
    if (tag) {  // inside a label: the position right after the span it names
      var prev = tag.previousSibling;
      while (prev && !(prev.classList && prev.classList.contains("seg"))) { prev = prev.previousSibling; }
      return prev ? Number(prev.getAttribute("data-o")) + segLength(prev) : null;
    }
    if (node.nodeType === 3) {
      var seg = node.parentNode;
      return seg.hasAttribute("data-o") ? Number(seg.getAttribute("data-o")) + Math.min(offset, segLength(seg)) : null;
    }
    if (node.classList && node.classList.contains("seg")) {
      return Number(node.getAttribute("data-o")) + (offset > 0 ? segLength(node) : 0);
    }
    if (node.classList && node.classList.contains("text")) {
      for (var i = offset; i < node.childNodes.length; i++) {
        var child = node.childNodes[i];
        if (child.hasAttribute && child.hasAttribute("data-o")) { return Number(child.getAttribute("data-o")); }
      }
      return Number(node.getAttribute("data-end"));
    }
    return null;
  }

  function selectionRange() {
    var sel = window.getSelection();
    if (!sel || sel.rangeCount === 0) { return null; }
    var range = sel.getRangeAt(0);
    var box = (range.startContainer.nodeType === 1 ? range.startContainer : range.startContainer.parentNode).closest(".text");
    var endBox = (range.endContainer.nodeType === 1 ? range.endContainer : range.endContainer.parentNode).closest(".text");
    if (!box || box !== endBox) { return null; }
    var start = pointOffset(range.startContainer, range.startOffset);
    var end = pointOffset(range.endContainer, range.endOffset);
    if (start === null || end === null) { return null; }
    return { box: box, start: Math.min(start, end), end: Math.max(start, end), collapsed: range.collapsed };
  }

  function placePop(anchor) {
    var pop = $("pop");
    pop.hidden = false;
    var r = anchor.getBoundingClientRect();
    var top = r.bottom + 6;
    if (top + pop.offsetHeight > window.innerHeight) { top = Math.max(4, r.top - pop.offsetHeight - 6); }
    pop.style.top = top + "px";
    pop.style.left = Math.max(4, Math.min(r.left, window.innerWidth - pop.offsetWidth - 4)) + "px";
  }

  function labelButtons(onPick) {
    return el("div", { cls: "labels" }, LABELS.map(function (label, i) {
      var b = el("button", { type: "button", "data-label": label, text: (i < 9 ? (i + 1) + " " : "") + label });
      b.style.boxShadow = "inset 0 -3px 0 var(--edge-" + cssLabel(label) + ", #6e7781)";
      b.addEventListener("mousedown", function (e) { e.preventDefault(); });
      b.addEventListener("click", function () { onPick(label); });
      return b;
    }).concat([newLabelButton(onPick)]));
  }

  function newLabelButton(onPick) {
    var input = el("input", { type: "text", size: 8, placeholder: "other label", "aria-label": "Another label" });
    input.addEventListener("keydown", function (e) {
      e.stopPropagation();
      if (e.key === "Enter" && input.value.trim()) {
        var label = input.value.trim().toUpperCase();
        if (LABELS.indexOf(label) < 0) { LABELS.push(label); }
        onPick(label);
      }
    });
    return input;
  }

  function closePop() {
    $("pop").hidden = true;
    state.pending = null;
    if (state.selected) {
      document.querySelectorAll(".sel").forEach(function (n) { n.classList.remove("sel"); });
      state.selected = null;
    }
  }

  function offerNewSpan(sel) {
    var rec = DOCS[sel.box.referat.d];
    var start = sel.start, end = sel.end;
    while (start < end && /\s/.test(rec.text[start])) { start += 1; }
    while (end > start && /\s/.test(rec.text[end - 1])) { end -= 1; }
    if (start >= end) { return; }
    closePop();
    state.pending = { d: sel.box.referat.d, item: sel.box.referat.item, start: start, end: end };
    var pop = $("pop");
    pop.textContent = "";
    pop.appendChild(el("div", { cls: "what" }, ["Add ", el("b", { text: rec.text.slice(start, end) }), " as:"]));
    pop.appendChild(labelButtons(function (label) { addSpan(label); }));
    var anchor = window.getSelection().getRangeAt(0);
    placePop(anchor);
  }

  function selectSpan(box, index, anchor) {
    closePop();
    var ref = box.referat;
    var span = spansOf(ref.d, ref.item)[index];
    state.selected = { d: ref.d, item: ref.item, index: index };
    box.querySelectorAll(".seg").forEach(function (seg) {
      var ids = (seg.getAttribute("data-s") || "").split(" ");
      if (ids.indexOf(String(index)) >= 0) { seg.classList.add("sel"); }
    });
    box.querySelectorAll(".tag[data-span='" + index + "']").forEach(function (t) { t.classList.add("sel"); });
    var pop = $("pop");
    pop.textContent = "";
    pop.appendChild(el("div", { cls: "what" }, [el("b", { text: span.label }), " ", span.text,
      el("div", { cls: "where", text: [describeNorm(span.norm), "by " + (span.source || "?")].filter(Boolean).join(" · ") })]));
    pop.appendChild(el("div", { cls: "where", text: "Relabel:" }));
    pop.appendChild(labelButtons(function (label) { relabel(label); }));
    var del = el("button", { type: "button", text: "delete (x)" });
    del.addEventListener("click", deleteSpan);
    pop.appendChild(el("div", { cls: "labels" }, [del]));
    placePop(anchor);
  }

  // ---- corrections ------------------------------------------------------------------

  function overlapsSameLabel(spans, start, end, label, except) {
    return spans.some(function (s, i) { return i !== except && s.label === label && s.start < end && start < s.end; });
  }

  function owner(d, offset) {
    var items = DOCS[d].items;
    for (var i = 0; i < items.length; i++) { if (items[i].start <= offset && offset < items[i].end) { return items[i]; } }
    return null;
  }

  function addSpan(label) {
    var p = state.pending;
    if (!p) { return; }
    var spans = spansOf(p.d, p.item);
    if (overlapsSameLabel(spans, p.start, p.end, label, -1)) { toast("That overlaps another " + label + " span: delete or relabel it first."); return; }
    change(p.d, function () {
      spans.push({ label: label, start: p.start, end: p.end, text: DOCS[p.d].text.slice(p.start, p.end), source: META.source });
      spans.sort(function (a, b) { return a.start - b.start || a.end - b.end; });
      var r = p.item ? review(p.item) : docReview(p.d);
      r.spans.added += 1;
      if (r.changed.indexOf("spans") < 0) { r.changed.push("spans"); }
    });
    window.getSelection().removeAllRanges();
    rerender();
    toast("Added " + label + ".");
  }

  function relabel(label) {
    var s = state.selected;
    if (!s) { return; }
    var spans = spansOf(s.d, s.item);
    var span = spans[s.index];
    if (span.label === label) { closePop(); return; }
    if (overlapsSameLabel(spans, span.start, span.end, label, s.index)) { toast("That overlaps another " + label + " span."); return; }
    change(s.d, function () {
      span.label = label;
      span.source = META.source;
      delete span.norm;  // the value was read for the old label
      var r = s.item ? review(s.item) : docReview(s.d);
      r.spans.relabelled += 1;
      if (r.changed.indexOf("spans") < 0) { r.changed.push("spans"); }
    });
    rerender();
    toast("Relabelled as " + label + ".");
  }

  function deleteSpan() {
    var s = state.selected;
    if (!s) { return; }
    var spans = spansOf(s.d, s.item);
    var label = spans[s.index].label;
    change(s.d, function () {
      spans.splice(s.index, 1);
      var r = s.item ? review(s.item) : docReview(s.d);
      r.spans.deleted += 1;
      if (r.changed.indexOf("spans") < 0) { r.changed.push("spans"); }
    });
    rerender();
    toast("Deleted " + label + ".");
  }

  function setType(d, item, type) {
    if (item.type === type) { return; }
    change(d, function () { item.type = type; changed(item, "type"); });
    rerender(item);
  }

  function setOutcome(d, item, outcome) {
    var now = item.decision ? item.decision.outcome : null;
    if (now === outcome) { return; }
    change(d, function () {
      if (outcome === null) {
        item.decision = null;
      } else if (item.decision) {
        item.decision.outcome = outcome;
        item.decision.evidence = (item.decision.evidence || []).concat(["outcome set on the review page"]);
      } else {
        item.decision = { text: "", start: item.end, end: item.end, outcome: outcome, unanimous: null,
                          votes: [], evidence: ["outcome set on the review page"] };
      }
      changed(item, "decision");
    });
    rerender(item);
  }

  function toggleReviewed(d, item, advance) {
    var now = !(item.review && item.review.reviewed);
    change(d, function () { review(item).reviewed = now; });
    rerender(item).then(function () { if (advance && now) { moveFocus(1); } });
  }

  function mergeNext(d, item) {
    var items = DOCS[d].items;
    var next = items.filter(function (i) { return i.start >= item.end; })
      .sort(function (a, b) { return a.start - b.start; })[0];
    if (!next) { toast("No item after this one in its document."); return; }
    change(d, function () {
      item.end = next.end;
      item.entities = item.entities.concat(next.entities);
      item.sections = (item.sections || []).concat(next.sections || []);
      item.absent = (item.absent || []).concat((next.absent || []).filter(function (a) { return (item.absent || []).indexOf(a) < 0; }));
      if (!item.decision && next.decision) { item.decision = next.decision; }
      items.splice(items.indexOf(next), 1);
      changed(item, "boundaries");
    });
    haystacks.clear();
    render();
    toast("Merged item " + next.number + " into item " + item.number + ".");
  }

  function splitAt(d, item, at) {
    var rec = DOCS[d];
    if (!(item.start < at && at < item.end)) { toast("Put the caret inside the item's text, after its heading."); return; }
    if (item.entities.some(function (s) { return s.start < at && at < s.end; })) { toast("That is inside a span: split before or after it."); return; }
    var line = rec.text.slice(at, Math.min(item.end, at + 300)).replace(/^\s+/, "").split("\n")[0].trim();
    var number = /^(?:punkt|pkt\.?)?\s*(\d+)/i.exec(line);
    var created = {
      number: number ? Number(number[1]) : item.number + 1,
      title: line.replace(/^(?:punkt|pkt\.?)?\s*\d+\s*[.:)]?\s*/i, "").slice(0, 200) || line,
      case_number: null, closed: false, marker: null, start: at, end: item.end, type: null, classification: null,
      absent: [], sections: [], entities: [], decision: null
    };
    change(d, function () {
      created.entities = item.entities.filter(function (s) { return s.start >= at; });
      item.entities = item.entities.filter(function (s) { return s.end <= at; });
      var sections = item.sections || [];
      created.sections = sections.filter(function (s) { return s.end > at; }).map(function (s) {
        return { heading: s.heading, kind: s.kind, start: Math.max(s.start, at), end: s.end };
      });
      item.sections = sections.filter(function (s) { return s.start < at; }).map(function (s) {
        return { heading: s.heading, kind: s.kind, start: s.start, end: Math.min(s.end, at) };
      });
      if (item.decision && item.decision.start >= at) { created.decision = item.decision; item.decision = null; }
      item.end = at;
      rec.items.splice(rec.items.indexOf(item) + 1, 0, created);
      changed(item, "boundaries");
      changed(created, "boundaries");
    });
    haystacks.clear();
    render();
    toast("Split: a new item " + created.number + " starts at “" + created.title.slice(0, 40) + "”. Set its type.");
  }

  function splitAtSelection(d, item) {
    var sel = selectionRange();
    if (!sel || sel.box.referat.item !== item) { toast("Put the caret (or select text) where the new item starts."); return; }
    splitAt(d, item, sel.start);
  }

  function rerender() {
    var keepFocus = state.focus;
    var y = window.scrollY;
    return render().then(function () {
      window.scrollTo(0, y);
      if (keepFocus) {
        var art = articles().filter(function (a) { return a.referat.item === keepFocus.item; })[0];
        if (art) { focusItem(art, false); }
      }
    });
  }

  // ---- saving -----------------------------------------------------------------------

  function corrections() {
    var lines = [];
    Object.keys(touched).map(Number).sort(function (a, b) { return a - b; }).forEach(function (d) {
      var rec = JSON.parse(JSON.stringify(DOCS[d]));
      rec.review = { page: "referat review " + META.version, saved: new Date().toISOString(),
                     records: META.records, outside: (rec.review && rec.review.outside) || null };
      lines.push(JSON.stringify(rec));
    });
    return lines;
  }

  function save() {
    var lines = corrections();
    if (!lines.length) { toast("No corrections yet: nothing to save."); return; }
    var blob = new Blob([lines.join("\n") + "\n"], { type: "application/jsonl" });
    var a = el("a", { href: URL.createObjectURL(blob), download: META.download });
    document.body.appendChild(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
    toast("Saved " + lines.length + " documents to " + META.download + ": referat import " + META.download + " --format review -o gold.jsonl");
  }

  var toastTimer = null;
  function toast(text) {
    var t = $("toast");
    t.textContent = text;
    t.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(function () { t.hidden = true; }, 3500);
    $("status").textContent = text;
  }

  // ---- events -----------------------------------------------------------------------

  $("list").addEventListener("mouseup", function (e) {
    if (e.target.closest("#pop")) { return; }
    var sel = selectionRange();
    if (sel && !sel.collapsed) { offerNewSpan(sel); return; }
    var hit = e.target.closest(".tag") || e.target.closest(".seg.ent");
    if (!hit) { return; }
    var box = hit.closest(".text");
    var ids;
    if (hit.classList.contains("tag")) {
      ids = [Number(hit.getAttribute("data-span"))];
    } else {
      ids = hit.getAttribute("data-s").split(" ").map(Number);
      var spans = spansOf(box.referat.d, box.referat.item);
      ids.sort(function (a, b) { return (spans[a].end - spans[a].start) - (spans[b].end - spans[b].start); });
    }
    var now = state.selected && state.selected.item === box.referat.item ? ids.indexOf(state.selected.index) : -1;
    selectSpan(box, ids[(now + 1) % ids.length], hit);
  });

  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape") { closePop(); $("help").hidden = true; window.getSelection().removeAllRanges(); return; }
    if ((e.ctrlKey || e.metaKey) && (e.key === "s" || e.key === "S")) { e.preventDefault(); save(); return; }
    var typing = e.target.closest && e.target.closest("input, select, textarea");
    if (typing) { return; }
    if ((e.ctrlKey || e.metaKey) && (e.key === "z" || e.key === "Z")) { e.preventDefault(); undo(); return; }
    if (e.ctrlKey || e.metaKey || e.altKey) { return; }
    var digit = /^Digit([0-9])$/.exec(e.code || "");
    if (e.shiftKey && digit) {
      var target = current();
      if (!target || !target.item) { toast("Choose an item first (click it, or j / k)."); return; }
      e.preventDefault();
      var n = Number(digit[1]);
      setOutcome(target.d, target.item, n === 0 ? null : (OUTCOMES[n - 1] || null));
      return;
    }
    if (/^[1-9]$/.test(e.key)) {
      var label = LABELS[Number(e.key) - 1];
      if (!label) { return; }
      if (state.pending) { e.preventDefault(); addSpan(label); return; }
      if (state.selected) { e.preventDefault(); relabel(label); return; }
      var sel = selectionRange();
      if (sel && !sel.collapsed) { offerNewSpan(sel); e.preventDefault(); addSpan(label); }
      return;
    }
    if ((e.key === "x" || e.key === "Delete" || e.key === "Backspace") && state.selected) { e.preventDefault(); deleteSpan(); return; }
    var it = current();
    switch (e.key) {
      case "j": e.preventDefault(); moveFocus(1); return;
      case "k": e.preventDefault(); moveFocus(-1); return;
      case "n": e.preventDefault(); turn(1); return;
      case "p": e.preventDefault(); turn(-1); return;
      case "v": e.preventDefault(); switchView(state.view === "queue" ? "doc" : "queue"); return;
      case "/": e.preventDefault(); $("search").focus(); return;
      case "?": e.preventDefault(); $("help").hidden = !$("help").hidden; return;
      case "u": e.preventDefault(); undo(); return;
      default: break;
    }
    if (!it || !it.item) { if ("obdrms".indexOf(e.key) >= 0 && e.key.length === 1) { toast("Choose an item first (click it, or j / k)."); } return; }
    if (TYPE_KEYS[e.key]) { e.preventDefault(); setType(it.d, it.item, TYPE_KEYS[e.key]); return; }
    if (e.key === "r") { e.preventDefault(); toggleReviewed(it.d, it.item, true); return; }
    if (e.key === "m") { e.preventDefault(); mergeNext(it.d, it.item); return; }
    if (e.key === "s") { e.preventDefault(); splitAtSelection(it.d, it.item); }
  });

  function switchView(view) {
    state.view = view;
    state.page = 0;
    $("view-queue").setAttribute("aria-pressed", String(view === "queue"));
    $("view-doc").setAttribute("aria-pressed", String(view === "doc"));
    $("doc-pick").hidden = view !== "doc";
    render();
  }

  var searchTimer = null;
  $("search").addEventListener("focus", function () { loadAll(); });  // decode while the reviewer types
  $("search").addEventListener("input", function () {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(function () {
      state.query = $("search").value.trim().toLowerCase();
      state.page = 0;
      if (state.query && state.view !== "queue") { switchView("queue"); } else { render(); }
    }, 200);
  });
  $("body").addEventListener("change", function () { state.body = $("body").value; state.page = 0; render(); });
  $("from").addEventListener("change", function () { state.from = $("from").value; state.page = 0; render(); });
  $("to").addEventListener("change", function () { state.to = $("to").value; state.page = 0; render(); });
  $("doc").addEventListener("change", function () { state.docIndex = Number($("doc").value); render(); });
  $("hide-reviewed").addEventListener("change", function () { state.hideReviewed = $("hide-reviewed").checked; state.page = 0; render(); });
  $("view-queue").addEventListener("click", function () { switchView("queue"); });
  $("view-doc").addEventListener("click", function () { switchView("doc"); });
  $("save").addEventListener("click", save);
  $("undo").addEventListener("click", undo);
  $("help-open").addEventListener("click", function () { $("help").hidden = false; });
  $("help-close").addEventListener("click", function () { $("help").hidden = true; });
  document.addEventListener("mousedown", function (e) {
    if (!e.target.closest("#pop") && !e.target.closest(".text")) { closePop(); }
  });

  // ---- start ------------------------------------------------------------------------

  function start() {
    var bodies = {};
    var byBody = {};
    INDEX.forEach(function (rec, d) {
      var b = (rec.meeting && rec.meeting.body) || "(no body)";
      bodies[b] = (bodies[b] || 0) + 1;
      (byBody[b] = byBody[b] || []).push(d);
    });
    Object.keys(bodies).sort(function (a, b) { return a.localeCompare(b); }).forEach(function (b) {
      $("body").appendChild(el("option", { value: b === "(no body)" ? "" : b, text: b + " (" + bodies[b] + ")" }));
    });
    Object.keys(byBody).sort(function (a, b) { return a.localeCompare(b); }).forEach(function (b) {
      var group = el("optgroup", { label: b });
      byBody[b].sort(docOrder).forEach(function (d) {
          var rec = INDEX[d];
          group.appendChild(el("option", { value: d, text: (rec.meeting.date || "no date") + " · " + rec.source.split("/").pop() }));
        });
      $("doc").appendChild(group);
    });
    TYPES.concat(["none"]).forEach(function (t) {
      var box = el("input", { type: "checkbox", checked: true, value: t, "data-filter": "type" });
      box.addEventListener("change", function () { state.types[t] = box.checked; state.page = 0; render(); });
      $("type-filters").appendChild(el("label", null, [box, el("span", { cls: "badge type-" + t, text: t === "none" ? "no type" : t })]));
    });
    if (META.skipped && META.skipped.length) {
      $("skipped").appendChild(el("section", { cls: "skipped" }, [
        el("b", { text: "Skipped (no usable output): " }), META.skipped.join("; ")]));
    }
    restoreStored().then(function (restored) {
      return render().then(function () {
        if (restored) { toast("Restored your corrections in " + restored + " documents from this browser's storage."); }
        document.documentElement.setAttribute("data-ready", String(Math.round(performance.now())));
      });
    });
  }

  start();
})();
