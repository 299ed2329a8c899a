// Search in the published (static) site: the server-side search of `gulag-kg serve`, done in
// the browser from search-index.json. Same matching: every word of the query begins a word of a
// label, case and accents ignored. The server's pages do not need this script.
(function () {
  "use strict";
  var box = document.getElementById("search-results");
  if (!box || box.dataset.mode !== "static") return;
  var query = new URLSearchParams(window.location.search).get("q") || "";
  var input = document.getElementById("search-q");
  if (input && query) input.value = query;
  if (!query.trim()) { box.textContent = ""; return; }

  function normalise(text) {
    return text.toLowerCase().normalize("NFKD").replace(/\p{M}/gu, "").replace(/\s+/g, " ").trim();
  }
  function words(text) { return normalise(text).match(/[\p{L}\p{N}_]+/gu) || []; }
  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { if (attrs[k]) e.setAttribute(k, attrs[k]); });
    if (text) e.textContent = text;
    return e;
  }

  fetch(box.dataset.index).then(function (r) {
    if (!r.ok) throw new Error("search-index.json: HTTP " + r.status);
    return r.json();
  }).then(function (index) {
    var wanted = words(query), norm = normalise(query), best = {};
    index.rows.forEach(function (row) {
      var labelWords = row[0].match(/[\p{L}\p{N}_]+/gu) || [];
      var ok = wanted.length > 0 && wanted.every(function (q) {
        return labelWords.some(function (w) { return w.indexOf(q) === 0; });
      });
      if (!ok) return;
      var score = [row[0] === norm ? 0 : row[0].indexOf(norm) === 0 ? 1 : 2, row[8] ? 1 : 0,
                   row[3] ? 0 : 1, row[1].length];
      var path = row[4], previous = best[path];
      if (!previous || compare(score, previous.score) < 0) best[path] = {score: score, row: row};
    });
    function compare(a, b) { for (var i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1; return 0; }
    var hits = Object.keys(best).map(function (k) { return best[k]; }).sort(function (a, b) {
      return compare(a.score, b.score) || (a.row[5] < b.row[5] ? -1 : 1);
    });
    box.textContent = "";
    if (!hits.length) {
      box.appendChild(el("p", {}, "Nothing is named \u201c" + query + "\u201d. Try the beginning of a word, another spelling or another language."));
      return;
    }
    var shown = hits.slice(0, 200);
    box.appendChild(el("p", {}, hits.length + (hits.length === 1 ? " match" : " matches") + " for \u201c" + query + "\u201d" +
      (hits.length > shown.length ? ", the first " + shown.length + " shown: add a word to narrow it down." : ".")));
    var list = el("ol", {"class": "hits"});
    shown.forEach(function (h) {
      var row = h.row, li = el("li");
      li.appendChild(el("a", {href: box.dataset.root + row[4], lang: row[6]}, row[5]));
      if (row[1] !== row[5]) {
        var note = el("span", {"class": "note"}, " (");
        note.appendChild(el("span", {lang: row[2]}, row[1]));
        note.appendChild(document.createTextNode(")"));
        li.appendChild(note);
      }
      li.appendChild(el("span", {"class": "note"}, " " + row[7]));
      list.appendChild(li);
    });
    box.appendChild(list);
  }).catch(function (err) {
    box.textContent = "";
    box.appendChild(el("p", {"class": "warning"}, "The search index could not be read (" + err.message + "). Browse instead: every name is listed A to Z."));
  });
})();
