/* The question bank: practice, exam and review sets drawn from every question, on the
 * quiz engine in vignette.js (loaded first). A set is named by its URL, so a link gives
 * anyone the same questions: ?mode=practice|exam|review&n=10&seed=...&chapters=a,b
 * &objectives=chapter/objective,...&cases=id,...&timer=minutes&shuffle=0
 * Each question's quiz block is a small script under _static/bank/, loaded when a set
 * needs it (the page would be 1.5 MB with all of them). */
(function () {
  "use strict";

  var api = window.cehcourse;
  var page = document.querySelector(".bank");
  var indexNode = document.getElementById("bank-index");
  if (!api || !page || !indexNode) return;

  var element = api.element, setChildren = api.setChildren;
  var index = JSON.parse(indexNode.textContent);
  var MODES = ["practice", "exam", "review"];

  /* ---- a seeded shuffle: the same seed gives everyone the same set ---- */

  function seededRandom(seed) {
    var state = seed >>> 0;
    return function () {
      state = (state + 0x6d2b79f5) >>> 0;
      var t = state;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  function hashText(text) {
    var h = 2166136261;
    for (var i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
    return h >>> 0;
  }

  function shuffled(list, random) {
    var copy = list.slice();
    for (var i = copy.length - 1; i > 0; i--) {
      var j = Math.floor(random() * (i + 1));
      var swap = copy[i]; copy[i] = copy[j]; copy[j] = swap;
    }
    return copy;
  }

  function newSeed() {
    var word = new Uint32Array(1);
    window.crypto.getRandomValues(word);
    return word[0] % 1000000000;
  }

  /* ---- the set's settings, from and to the URL ---- */

  function listParam(params, name) {
    return (params.get(name) || "").split(",").filter(Boolean);
  }

  function readSettings(search) {
    var params = new URLSearchParams(search);
    var timer = parseInt(params.get("timer") || "0", 10);
    return {
      started: MODES.indexOf(params.get("mode")) !== -1,
      mode: MODES.indexOf(params.get("mode")) !== -1 ? params.get("mode") : "practice",
      n: params.get("n") === "all" || /^[1-9]\d{0,2}$/.test(params.get("n") || "") ? params.get("n") : "10",
      seed: /^\d{1,9}$/.test(params.get("seed") || "") ? Number(params.get("seed")) : newSeed(),
      chapters: listParam(params, "chapters").filter(function (slug) { return index.chapters[slug]; }),
      objectives: listParam(params, "objectives").filter(function (tag) { return index.objectives[tag]; }),
      cases: listParam(params, "cases").filter(function (id) { return index.cases.some(function (c) { return c.id === id; }); }),
      timer: isFinite(timer) && timer > 0 ? Math.min(timer, 300) : 0,
      shuffle: params.get("shuffle") !== "0"
    };
  }

  function settingsQuery(settings) {
    var params = new URLSearchParams();
    params.set("mode", settings.mode);
    if (settings.mode !== "review") {
      params.set("n", settings.n);
      params.set("seed", String(settings.seed));
    }
    if (settings.chapters.length) params.set("chapters", settings.chapters.join(","));
    if (settings.objectives.length) params.set("objectives", settings.objectives.join(","));
    if (settings.cases.length) params.set("cases", settings.cases.join(","));
    if (settings.mode === "exam" && settings.timer) params.set("timer", String(settings.timer));
    if (!settings.shuffle) params.set("shuffle", "0");
    return "?" + params.toString().replace(/%2C/g, ",").replace(/%2F/g, "/");
  }

  var form = page.querySelector(".bank-setup");

  function showSettings(settings) {
    form.querySelector('input[name="mode"][value="' + settings.mode + '"]').checked = true;
    var size = form.querySelector('select[name="n"]');
    if (!size.querySelector('option[value="' + settings.n + '"]')) size.appendChild(element("option", "", settings.n)).value = settings.n;
    size.value = settings.n;
    form.querySelectorAll('input[name="chapters"]').forEach(function (box) {
      box.checked = settings.chapters.indexOf(box.value) !== -1;
    });
    form.querySelector('input[name="timer"]').value = String(settings.timer);
    form.querySelector('input[name="shuffle"]').checked = settings.shuffle;
    var narrowed = settings.objectives.map(function (tag) { return index.objectives[tag]; })
      .concat(settings.cases.map(function (id) { return caseById(id).title; }));
    page.querySelector(".bank-filter").textContent = narrowed.length
      ? "Narrowed by its link to: " + narrowed.join("; ") + "." : "";
  }

  function formSettings(previous) {
    var chapters = [];
    form.querySelectorAll('input[name="chapters"]:checked').forEach(function (box) { chapters.push(box.value); });
    var timer = parseInt(form.querySelector('input[name="timer"]').value || "0", 10);
    return {
      started: true,
      mode: form.querySelector('input[name="mode"]:checked').value,
      n: form.querySelector('select[name="n"]').value,
      seed: newSeed(),
      chapters: chapters,
      // A link's objectives and cases stay until the student changes the chapters.
      objectives: chapters.join() === previous.chapters.join() ? previous.objectives : [],
      cases: chapters.join() === previous.chapters.join() ? previous.cases : [],
      timer: isFinite(timer) && timer > 0 ? Math.min(timer, 300) : 0,
      shuffle: form.querySelector('input[name="shuffle"]').checked
    };
  }

  /* ---- drawing a set ---- */

  function caseById(id) {
    return index.cases.filter(function (c) { return c.id === id; })[0];
  }

  function itemCase(item) {
    return index.cases[item.c];
  }

  function inFilter(item, settings) {
    var owner = itemCase(item);
    var byChapter = !settings.chapters.length || owner.chapters.some(function (slug) { return settings.chapters.indexOf(slug) !== -1; });
    var byObjective = !settings.objectives.length || item.o.some(function (tag) { return settings.objectives.indexOf(tag) !== -1; });
    var byCase = !settings.cases.length || settings.cases.indexOf(owner.id) !== -1;
    return byChapter && byObjective && byCase;
  }

  /* Today's reviews: due entries for the current version of a question. */
  function dueItems(items) {
    var review = api.store.read().review || {};
    var today = api.review.today();
    return items.filter(function (item) {
      var entry = review[item.k];
      return entry && entry.h === item.h && entry.d <= today;
    });
  }

  function drawSet(settings) {
    var pool = index.items.filter(function (item) { return inFilter(item, settings); });
    if (settings.mode === "review") return dueItems(pool);
    var set = shuffled(pool, seededRandom(settings.seed));
    return settings.n === "all" ? set : set.slice(0, Number(settings.n));
  }

  /* ---- loading the questions' scripts ---- */

  var received = {};
  window.cehcourseBankItem = function (key, html) { received[key] = html; };

  function loadItems(items, done) {
    var waiting = items.length;
    var failed = [];
    if (!waiting) done(failed);
    // One script element per task: each append starts its download there and then (a few
    // ms on a slow phone), and ten appended together made one task long enough to hold up
    // the page. The downloads still run side by side.
    items.forEach(function (item) { setTimeout(function () { requestItem(item); }, 0); });

    function requestItem(item) {
      var script = document.createElement("script");
      script.src = index.itemsUrl + item.k.replace("/", ".") + ".js?v=" + item.v;
      script.onload = script.onerror = function (event) {
        if (event.type === "error" || !received[item.k]) failed.push(item.k);
        script.remove();
        waiting -= 1;
        if (!waiting) done(failed);
      };
      document.head.appendChild(script);
    }
  }

  /* Parses markup the course's own Python renderer wrote and escaped (as on the case pages). */
  function quizBlock(item) {
    var template = document.createElement("template");
    template.innerHTML = received[item.k];
    var block = template.content.firstElementChild;
    block.setAttribute("data-bank-item", item.k);
    var toolbar = block.querySelector(".vignette-toolbar");
    if (toolbar) toolbar.remove();
    return block;
  }

  /* Per learner and question, so a neighbour's screen is no answer key; options keep
   * their ids (the input values), so saved progress and exports still match. */
  function shuffleOptions(block, item) {
    var list = block.querySelector(".vignette-options");
    var fieldset = block.querySelector("fieldset.vignette-question");
    if (!list || ["single", "multiple"].indexOf(fieldset.getAttribute("data-kind")) === -1) return;
    var learner = api.store.read().learner || "";
    var rows = Array.prototype.slice.call(list.children);
    var order = shuffled(rows, seededRandom(hashText(learner + "|" + item.k)));
    order.forEach(function (row, shown) {
      list.appendChild(row);
      var option = row.querySelector("input").value;
      fieldset.querySelectorAll('[data-letter="' + option + '"]').forEach(function (span) {
        span.textContent = api.letters.charAt(shown);
      });
      var explained = fieldset.querySelector('.vignette-explanations li[data-option="' + option + '"]');
      if (explained) explained.parentNode.appendChild(explained);
    });
    // A line that names several options ("Answer: A, C, D") names them in the new
    // alphabetical order: its spans, in place, take the (letter, option) pairs sorted.
    fieldset.querySelectorAll("p").forEach(function (line) {
      var named = Array.prototype.filter.call(line.children, function (node) { return node.hasAttribute("data-letter"); });
      var pairs = named.map(function (span) { return [span.textContent, span.getAttribute("data-letter")]; }).sort();
      named.forEach(function (span, i) {
        span.textContent = pairs[i][0];
        span.setAttribute("data-letter", pairs[i][1]);
      });
    });
  }

  /* ---- a session: the set on the page, its score, its timer ---- */

  var session = page.querySelector(".bank-session");
  var status = session.querySelector(".bank-status");
  var itemsList = session.querySelector(".bank-items");
  var finishButton = session.querySelector(".bank-finish");
  var results = session.querySelector(".bank-results");
  var current = null;

  function plural(n, word) {
    return n + " " + word + (n === 1 ? "" : "s");
  }

  function updateStatus() {
    var s = current;
    var answered = Object.keys(s.verdicts).length;
    var right = Object.keys(s.verdicts).filter(function (k) { return s.verdicts[k]; }).length;
    if (s.settings.mode === "exam") {
      status.textContent = s.finished ? "Exam finished: " + right + " of " + s.items.length + " correct."
        : answered + " of " + plural(s.items.length, "question") + " answered. Feedback comes when you finish.";
    } else {
      status.textContent = answered === 0 ? plural(s.items.length, "question") + " in this set."
        : "Set score: " + right + " correct of " + answered + " answered (" + plural(s.items.length, "question") + ")." +
          (s.settings.mode === "review" && answered === s.items.length ? " Review done. " + nextReview() : "");
    }
  }

  /* When the schedule brings questions back next (after today's review). */
  function nextReview() {
    var review = api.store.read().review || {};
    var current = {};
    index.items.forEach(function (item) { current[item.k] = item.h; });
    var days = Object.keys(review).filter(function (key) { return review[key].h === current[key]; })
      .map(function (key) { return review[key].d; }).sort();
    if (!days.length) return "Nothing else is scheduled.";
    var count = days.filter(function (day) { return day === days[0]; }).length;
    return "Next review: " + days[0] + " (" + plural(count, "question") + ").";
  }

  function describeSet(settings, count) {
    var where = settings.chapters.length ? settings.chapters.map(function (slug) { return index.chapters[slug]; }).join(", ") : "all chapters";
    var kind = settings.mode === "exam" ? "Exam" : settings.mode === "review" ? "Review" : "Practice set";
    return kind + ": " + plural(count, "question") + " from " + where;
  }

  function startTimer(minutes) {
    var left = session.querySelector(".bank-timer-left");
    var alert = session.querySelector(".bank-timer-alert");
    var end = Date.now() + minutes * 60000;
    left.hidden = false;
    function tick() {
      var seconds = Math.max(0, Math.round((end - Date.now()) / 1000));
      var text = Math.floor(seconds / 60) + ":" + ("0" + (seconds % 60)).slice(-2);
      left.textContent = "Time left: " + text;
      // Said aloud only at these points: a countdown read every second drowns the page.
      if (seconds === 300 || seconds === 60) alert.textContent = plural(seconds / 60, "minute") + " left.";
      if (seconds === 0) finish("Time is up.");
    }
    tick();
    return window.setInterval(tick, 1000);
  }

  function stopTimer() {
    if (current && current.timer) window.clearInterval(current.timer);
    if (current) current.timer = null;
  }

  function objectiveResults(s) {
    var scores = {};
    s.items.forEach(function (item) {
      item.o.forEach(function (tag) {
        var score = scores[tag] = scores[tag] || { total: 0, right: 0 };
        score.total += 1;
        if (s.verdicts[item.k]) score.right += 1;
      });
    });
    return Object.keys(scores).sort(function (a, b) {
      return scores[a].right / scores[a].total - scores[b].right / scores[b].total;
    }).map(function (tag) {
      var row = element("tr");
      row.appendChild(element("td", "", index.objectives[tag] || tag));
      row.appendChild(element("td", "", scores[tag].right + " of " + scores[tag].total + " correct"));
      return row;
    });
  }

  function finish(reason) {
    var s = current;
    if (!s || s.finished) return;
    stopTimer();
    s.finished = true;
    s.quizzes.forEach(function (quiz) { quiz.reveal(); });
    finishButton.hidden = true;
    var right = Object.keys(s.verdicts).filter(function (k) { return s.verdicts[k]; }).length;
    var blank = s.items.length - Object.keys(s.verdicts).length;
    results.querySelector(".bank-results-score").textContent = (reason ? reason + " " : "") +
      "You scored " + right + " of " + s.items.length + (blank ? " (" + blank + " not answered)" : "") +
      ". Each question below now shows its feedback.";
    setChildren(results.querySelector("tbody"), objectiveResults(s));
    results.hidden = false;
    updateStatus();
    results.querySelector(".bank-results-title").focus();
  }

  function startSession(settings, focus) {
    stopTimer();
    var items = drawSet(settings);
    var link = session.querySelector(".bank-link");
    link.href = settingsQuery(settings);
    link.textContent = window.location.pathname.split("/").pop() + settingsQuery(settings);
    history.replaceState(null, "", settingsQuery(settings));
    showSettings(settings);
    current = { settings: settings, items: items, verdicts: {}, quizzes: [], finished: false, timer: null };
    setChildren(itemsList, []);
    results.hidden = true;
    finishButton.hidden = true;
    session.hidden = false;
    var title = session.querySelector(".bank-title");
    title.textContent = describeSet(settings, items.length);
    if (!items.length) {
      status.textContent = settings.mode === "review"
        ? "Nothing is due for review today. Questions you miss on a first try come back here after a day."
        : "No question matches these options: tick other chapters, or open the bank without a link.";
      if (focus) title.focus();
      return;
    }
    status.textContent = "Loading " + plural(items.length, "question") + "…";
    // Busy while the set is loaded and drawn: assistive technology waits for the whole list.
    itemsList.setAttribute("aria-busy", "true");
    var mine = current;
    loadItems(items, function (failed) {
      if (current !== mine) return;  // a newer set was started meanwhile
      if (failed.length) {
        console.error("cehcourse: question bank items did not load: " + failed.join(", "));
        status.textContent = "Some questions could not be loaded (" + failed.join(", ") + "). Try reloading the page.";
        itemsList.removeAttribute("aria-busy");
        return;
      }
      // One question per task, so that a phone stays responsive while a set is drawn (all
      // at once, a set of ten blocked a slow phone's page for almost half a second).
      var n = 0;
      (function drawNext() {
        if (current !== mine) return;  // a newer set was started meanwhile
        addItem(mine, items[n], n);
        n += 1;
        if (n < items.length) {
          setTimeout(drawNext, 0);
          return;
        }
        itemsList.removeAttribute("aria-busy");
        if (settings.mode === "exam") {
          finishButton.hidden = false;
          if (settings.timer) mine.timer = startTimer(settings.timer);
        }
        updateStatus();
        if (focus) title.focus();
      })();
    });
  }

  function addItem(mine, item, n) {
    var settings = mine.settings;
    var entry = element("li", "bank-item");
    entry.appendChild(element("h3", "bank-item-title", "Question " + (n + 1) + " of " + mine.items.length));
    var block = quizBlock(item);
    if (settings.shuffle) shuffleOptions(block, item);
    entry.appendChild(block);
    itemsList.appendChild(entry);
    var quizzes = api.startQuizzes([block], {
      fresh: true,
      hold: settings.mode === "exam",
      onCheck: function (qid, verdict) {
        // The set's score counts each question's first graded answer in this set; an
        // exam's answers (null: held) are graded when the exam is finished.
        if (verdict === null) {
          mine.verdicts[item.k] = null;
        } else if (!(item.k in mine.verdicts) || mine.verdicts[item.k] === null) {
          mine.verdicts[item.k] = verdict.correct;
        }
        if (!mine.finished) updateStatus();
      }
    });
    mine.quizzes = mine.quizzes.concat(quizzes);
  }

  finishButton.addEventListener("click", function () { finish(""); });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    startSession(formSettings(current ? current.settings : readSettings("")), true);
  });
  session.querySelector(".bank-new").addEventListener("click", function () {
    var settings = current.settings;
    settings.seed = newSeed();
    startSession(settings, true);
  });

  // The bank appears and draws its first set in a task of its own: run together with this
  // script's setup, the work made one task long enough to hold up a slow phone's page.
  setTimeout(function () {
    page.hidden = false;
    var linked = readSettings(window.location.search);
    showSettings(linked);
    // A link that names a set starts it; a plain visit starts a practice set of ten.
    startSession(linked, false);
    if (linked.started) page.querySelector(".bank-options").open = false;
  }, 0);
})();
