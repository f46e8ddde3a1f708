/* The progress page: the dashboard (totals, where to continue, what is due for review,
 * scores by objective) and export/import of this browser's progress. Built on the quiz
 * engine's store (vignette.js, loaded first). */
(function () {
  "use strict";

  var api = window.cehcourse;
  if (!api) return;  // the quiz engine did not load; the page keeps its no-JS text
  var EXPORT_FORMAT = "cehcourse-progress";
  var readStore = api.store.read, writeStore = api.store.write;
  var firstTryCorrect = api.store.firstTryCorrect;
  var element = api.element, setChildren = api.setChildren, catalogue = api.catalogue;
  var refreshProgressCells = api.refreshProgressCells;

  function isPlainObject(value) {
    return value !== null && typeof value === "object" && !Array.isArray(value);
  }

  /* ---- the progress dashboard: totals, where to continue, scores by objective ---- */

  function percent(right, answered) {
    return Math.round((100 * right) / answered);
  }

  /* Review entries for today's version of a question (a changed question starts afresh). */
  function currentReviews(known, store) {
    var review = store.review || {};
    return Object.keys(review).filter(function (key) {
      var parts = key.split("/"), entry = known[parts[0]];
      return entry && entry.questions[parts[1]] === review[key].h;
    }).map(function (key) { return review[key]; });
  }

  function showReviewsDue(line, bankUrl, known, store) {
    var waiting = currentReviews(known, store);
    var due = waiting.filter(function (entry) { return entry.d <= api.review.today(); }).length;
    if (!waiting.length) {
      line.textContent = "Nothing to review: questions you miss on the first try come back here for spaced review.";
    } else if (!due) {
      var next = waiting.map(function (entry) { return entry.d; }).sort()[0];
      line.textContent = "No questions due for review today; " + waiting.length + " scheduled, the next on " + next + ".";
    } else {
      var link = element("a", "", "Start today's review");
      link.href = bankUrl + "?mode=review";
      setChildren(line, [document.createTextNode(due + " question" + (due === 1 ? "" : "s") + " due for review today. "), link]);
    }
  }

  function setupDashboard() {
    var board = document.querySelector(".progress-dashboard");
    var extra = document.getElementById("progress-dashboard-data");
    if (!board || !extra) return;
    var info = JSON.parse(extra.textContent);
    var known = catalogue();
    var store = readStore();
    var total = 0, answered = 0, right = 0;
    var byObjective = {};
    Object.keys(info.objectives).forEach(function (tag) { byObjective[tag] = { total: 0, answered: 0, right: 0 }; });
    for (var caseId in known) {
      var saved = store.cases[caseId] || {};
      var tags = (info.cases[caseId] || {}).objectives || {};
      for (var qid in known[caseId].questions) {
        var entry = saved[qid];
        var done = entry && entry.h === known[caseId].questions[qid];
        var good = done && firstTryCorrect(entry);
        total += 1; answered += done ? 1 : 0; right += good ? 1 : 0;
        (tags[qid] || []).forEach(function (tag) {
          var score = byObjective[tag];
          if (!score) return;
          score.total += 1; score.answered += done ? 1 : 0; score.right += good ? 1 : 0;
        });
      }
    }
    board.hidden = false;
    board.querySelector(".progress-overall").textContent = answered === 0
      ? "You have not answered any of the " + total + " questions yet."
      : answered + " of " + total + " questions answered; " + right + " right on the first try (" + percent(right, answered) + "%).";
    var resume = board.querySelector(".progress-continue");
    var last = store.last && info.cases[store.last] && known[store.last];
    if (last) {
      var link = element("a", "", known[store.last].title);
      link.href = info.cases[store.last].url;
      setChildren(resume, [document.createTextNode("Continue where you left off: "), link]);
    } else {
      resume.textContent = "Start with the first chapter's self-check, or any case in the case library.";
    }
    showReviewsDue(board.querySelector(".progress-review"), info.bank, known, store);
    var tried = Object.keys(byObjective).filter(function (tag) { return byObjective[tag].answered > 0; });
    tried.sort(function (a, b) {
      var sa = byObjective[a], sb = byObjective[b];
      return sa.right / sa.answered - sb.right / sb.answered || sb.answered - sa.answered;
    });
    var untried = Object.keys(byObjective).filter(function (tag) { return byObjective[tag].answered === 0; });
    var rows = tried.concat(untried).map(function (tag) {
      var score = byObjective[tag], objective = info.objectives[tag];
      var row = element("tr");
      row.appendChild(element("td", "", objective.text));
      var chapter = element("td");
      var chapterLink = element("a", "", objective.chapter);
      chapterLink.href = objective.url;
      chapter.appendChild(chapterLink);
      row.appendChild(chapter);
      row.appendChild(element("td", "", score.answered === 0 ? "Not tried (" + score.total + (score.total === 1 ? " question)" : " questions)")
        : score.right + " of " + score.answered + " right first time (" + percent(score.right, score.answered) + "%)"));
      return row;
    });
    setChildren(board.querySelector(".progress-objectives tbody"), rows);
    var weakest = tried.filter(function (tag) { return byObjective[tag].right < byObjective[tag].answered; }).slice(0, 3);
    var next = board.querySelector(".progress-next");
    if (!weakest.length) {
      setChildren(next, [element("p", "", tried.length
        ? "Every objective you have practised was right on the first try: try the objectives you have not practised yet."
        : "Answer some questions first: your weakest objectives will be listed here.")]);
    } else {
      var list = element("ol");
      weakest.forEach(function (tag) {
        var item = element("li");
        var go = element("a", "", info.objectives[tag].text);
        go.href = info.objectives[tag].url;
        item.appendChild(go);
        item.appendChild(document.createTextNode(" (" + info.objectives[tag].chapter + ": " +
          byObjective[tag].right + " of " + byObjective[tag].answered + " right first time). "));
        var practise = element("a", "", "Practise its questions");
        practise.href = info.bank + "?mode=practice&n=all&objectives=" + tag;
        item.appendChild(practise);
        list.appendChild(item);
      });
      setChildren(next, [element("p", "", "Your weakest objectives so far, each linked to its chapter and to a practice set:"), list]);
    }
  }

  /* ---- export and import of this browser's progress ----
   * An import is checked whole against this course before anything changes: a file that
   * is too big, not JSON, not an export, names a case or question this course does not
   * have, or holds a malformed entry is refused with its reason. Every answer it brings is
   * re-graded with the quiz's own rules (its "correct" flags are never trusted). Answers to
   * an earlier version of a question are left out: they cannot be graded, and the quiz
   * would ignore them. The student then chooses: merge (the default) or replace. */
  var MAX_IMPORT_BYTES = 1024 * 1024;
  var kinds = api.kinds, validEntry = api.store.validEntry, validReview = api.review.valid;

  function has(object, key) {
    return Object.prototype.hasOwnProperty.call(object, key);
  }

  function quoted(text) {
    return "\u201c" + String(text).slice(0, 80) + "\u201d";
  }

  function plural(count, noun) {
    return count + " " + noun + (count === 1 ? "" : "s");
  }

  /* An answer the question could have been given: option indices within its options (one
   * for a single-answer question, no repeats), a number, or a complete ordering. */
  function gradedOrNull(rule, answer) {
    if (rule.options !== undefined) {
      var possible = Array.isArray(answer) && (rule.kind !== "single" || answer.length === 1) &&
        answer.every(function (i, at) { return i < rule.options && answer.indexOf(i) === at; });
      if (!possible) return null;
    }
    var verdict = kinds[rule.kind] ? kinds[rule.kind].grade(rule, answer) : { answered: false };
    return verdict.answered ? verdict : null;
  }

  /* A file's answer re-graded. A missing first try means an older export, where the first
   * try is the latest answer; it is never counted right when the file says it was not. */
  function regraded(entry, rule) {
    var latest = gradedOrNull(rule, entry.a);
    var firstAnswer = entry.t !== undefined ? entry.t : entry.a;
    var first = gradedOrNull(rule, firstAnswer);
    if (!latest || !first) return null;
    var firstRight = first.correct && (entry.t !== undefined || entry.f !== false);
    return { h: entry.h, a: entry.a, c: latest.correct, f: firstRight, t: firstAnswer };
  }

  /* The file checked against this course: {problem} or {cases, review, learner, last,
   * answers, stale, regraded}. */
  function checkImport(data, known, rules) {
    if (!isPlainObject(data)) return { problem: "it is not a progress export (not a JSON object)" };
    if (data.format !== EXPORT_FORMAT) {
      return { problem: "it is not a progress export from this course (" + (data.format === undefined
        ? "it has no \"format\"" : "its format is " + quoted(data.format)) + ", expected \u201c" + EXPORT_FORMAT + "\u201d)" };
    }
    if (data.version !== 1) {
      return { problem: data.version === undefined ? "it has no \"version\"" : "its version is " + quoted(data.version) + "; this course reads version 1" };
    }
    if (data.learner !== undefined && !(typeof data.learner === "string" && /^[0-9a-f]{16}$/.test(data.learner))) {
      return { problem: "its learner id is malformed" };
    }
    if (data.last !== undefined && (typeof data.last !== "string" || !has(known, data.last))) {
      return { problem: "the case it was last on, " + quoted(data.last) + ", is not in this course" };
    }
    if (!isPlainObject(data.cases)) return { problem: "it has no \"cases\" object" };
    var result = { cases: {}, review: {}, learner: data.learner, last: data.last, answers: 0, stale: 0, regraded: 0 };
    for (var caseId in data.cases) {
      if (!has(known, caseId)) return { problem: "it has answers for the case " + quoted(caseId) + ", which is not in this course" };
      if (!isPlainObject(data.cases[caseId])) return { problem: "the case " + quoted(caseId) + " is not an object" };
      for (var qid in data.cases[caseId]) {
        var entry = data.cases[caseId][qid], where = quoted(qid) + " in the case " + quoted(caseId);
        if (!has(known[caseId].questions, qid)) return { problem: "it has an answer to the question " + where + ", which is not in this course" };
        if (!validEntry(entry)) return { problem: "the answer to " + where + " is malformed" };
        if (entry.h !== known[caseId].questions[qid]) { result.stale += 1; continue; }
        var fresh = regraded(entry, rules[caseId][qid]);
        if (!fresh) return { problem: "the answer to " + where + " is not a possible answer to that question" };
        if (fresh.c !== entry.c || (entry.f !== undefined && fresh.f !== entry.f)) result.regraded += 1;
        (result.cases[caseId] = result.cases[caseId] || {})[qid] = fresh;
        result.answers += 1;
      }
    }
    if (data.review !== undefined && !isPlainObject(data.review)) return { problem: "its review schedule is not an object" };
    for (var key in data.review || {}) {
      var parts = key.split("/"), review = data.review[key];
      if (parts.length !== 2 || !has(known, parts[0]) || !has(known[parts[0]].questions, parts[1])) {
        return { problem: "its review schedule names the question " + quoted(key) + ", which is not in this course" };
      }
      if (!validReview(review)) return { problem: "the review entry for " + quoted(key) + " is malformed" };
      if (review.h === known[parts[0]].questions[parts[1]]) result.review[key] = { h: review.h, b: review.b, d: review.d };
    }
    return result;
  }

  /* Answers saved here to today's version of a question (what the dashboard counts). */
  function currentAnswers(store, known) {
    var answers = 0;
    for (var caseId in store.cases) {
      for (var qid in store.cases[caseId]) {
        if (has(known, caseId) && known[caseId].questions[qid] === store.cases[caseId][qid].h) answers += 1;
      }
    }
    return answers;
  }

  function firstAnswer(entry) {
    return entry.t !== undefined ? entry.t : entry.a;
  }

  function sameEntry(one, other) {
    return JSON.stringify([one.a, one.c, firstTryCorrect(one), firstAnswer(one)]) ===
      JSON.stringify([other.a, other.c, firstTryCorrect(other), firstAnswer(other)]);
  }

  /* A question answered both here and in the file: the file's answer becomes the latest
   * one; the first try counts as right only if it was right in both (which came first
   * cannot be told, and a score must never count a second attempt as a first try). */
  function mergedEntry(mine, theirs) {
    var first = firstTryCorrect(mine) && !theirs.f ? theirs : { f: firstTryCorrect(mine), t: firstAnswer(mine) };
    return { h: theirs.h, a: theirs.a, c: theirs.c, f: first.f, t: first.t };
  }

  /* The store after a merge, and what it changes. A review entry in both keeps the
   * earlier due day: a question never waits longer than either schedule says. */
  function mergePlan(store, file, known) {
    var merged = JSON.parse(JSON.stringify(store));
    var plan = { store: merged, added: 0, replaced: 0, same: 0, reviewsAdded: 0, reviewsMoved: 0 };
    for (var caseId in file.cases) {
      var mine = merged.cases[caseId] = merged.cases[caseId] || {};
      for (var qid in file.cases[caseId]) {
        var theirs = file.cases[caseId][qid], hash = known[caseId].questions[qid];
        if (!mine[qid] || mine[qid].h !== hash) {
          mine[qid] = theirs;
          plan.added += 1;
          continue;
        }
        var entry = mergedEntry(mine[qid], theirs);
        if (sameEntry(entry, mine[qid])) {
          plan.same += 1;
        } else {
          mine[qid] = entry;
          plan.replaced += 1;
        }
      }
    }
    var review = merged.review = merged.review || {};
    for (var key in file.review) {
      var ours = review[key], parts = key.split("/");
      if (!ours || ours.h !== known[parts[0]].questions[parts[1]]) {
        plan.reviewsAdded += 1;
        review[key] = file.review[key];
      } else if (file.review[key].d < ours.d) {
        plan.reviewsMoved += 1;
        review[key] = file.review[key];
      }
    }
    if (file.learner) merged.learner = file.learner;  // one student, one id in a class report
    if (!merged.last && file.last) merged.last = file.last;
    return plan;
  }

  function replacement(store, file) {
    var fresh = { version: 1, learner: file.learner || store.learner, cases: file.cases, review: file.review };
    if (file.last) fresh.last = file.last;
    return fresh;
  }

  /* "adds 12 answers, replaces 3, ..." (done: "added 12 answers, replaced 3, ..."). */
  function mergeSummary(plan, done) {
    var verb = function (now, past) { return done ? past : now; };
    var parts = [plan.added ? verb("adds ", "added ") + plural(plan.added, "answer") : "",
      plan.replaced ? verb("replaces ", "replaced ") + plan.replaced : "",
      plan.reviewsAdded ? verb("adds ", "added ") + plural(plan.reviewsAdded, "question") + " to your review schedule" : "",
      plan.reviewsMoved ? verb("brings ", "brought ") + plural(plan.reviewsMoved, "review") + " forward" : ""];
    parts = parts.filter(Boolean);
    return parts.length ? parts.join(", ") : verb("changes nothing", "nothing needed changing");
  }

  /* The confirmation: a modal dialog (focus moves into it and, when it closes, back to the
   * file input; Escape cancels) with a button for each choice. done("merge" | "replace" | null). */
  function confirmImport(tools, returnFocus, name, file, plan, here, done) {
    var dialog = element("dialog", "progress-confirm");
    dialog.id = "progress-confirm";
    dialog.setAttribute("aria-labelledby", "progress-confirm-title");
    dialog.setAttribute("aria-describedby", "progress-confirm-file");
    var facts = "The file holds " + plural(file.answers, "answer") + " to this course's questions.";
    if (file.stale) facts += " It has " + plural(file.stale, "answer") + " to questions changed since it was saved: " + (file.stale === 1 ? "it is" : "they are") + " left out.";
    if (file.regraded) {
      facts += " " + plural(file.regraded, "answer") + " in it " + (file.regraded === 1 ? "is" : "are") +
        " marked right or wrong differently from the course's answer key: the course's grading counts.";
    }
    var merge = element("p", "", "");
    merge.appendChild(element("strong", "", "Merge"));
    merge.appendChild(document.createTextNode(" (keeps your progress): " + mergeSummary(plan) +
      (plan.same ? "; " + plural(plan.same, "answer") + " already the same here" : "") + ". For a question answered in both, " +
      "the file's answer becomes your latest one and the first try counts as right only if it was right in both."));
    var replace = element("p", "", "");
    replace.appendChild(element("strong", "", "Replace"));
    replace.appendChild(document.createTextNode(here
      ? ": deletes the " + plural(here, "answer") + " saved in this browser and keeps only the file's " + file.answers + "."
      : ": this browser has no answers saved, so it keeps the file's " + file.answers + " and nothing else."));
    var buttons = element("p", "progress-confirm-buttons");
    var choice = null;
    [["merge", "Merge with my progress"], ["replace", "Replace all my progress with this file"], [null, "Cancel"]].forEach(function (pair) {
      var button = element("button", pair[0] ? "progress-" + pair[0] : "progress-cancel", pair[1]);
      button.type = "button";
      button.addEventListener("click", function () { choice = pair[0]; close(); });
      buttons.appendChild(button);
    });
    var title = element("h2", "", "Import " + quoted(name) + "?");
    title.id = "progress-confirm-title";
    var about = element("p", "", facts);
    about.id = "progress-confirm-file";
    setChildren(dialog, [title, about, merge, replace, buttons]);
    function close() {
      if (dialog.open && dialog.close) dialog.close(); else finish();
    }
    var finished = false;
    function finish() {
      if (finished) return;
      finished = true;
      dialog.remove();
      returnFocus.focus();
      done(choice);
    }
    dialog.addEventListener("close", finish);
    tools.appendChild(dialog);
    if (typeof dialog.showModal === "function") {
      dialog.showModal();
    } else {  // no <dialog> support: an in-page panel; Escape still cancels
      dialog.setAttribute("open", "");
      dialog.addEventListener("keydown", function (event) { if (event.key === "Escape") close(); });
    }
    buttons.firstChild.focus();
  }

  function exportProgress(message) {
    var data = readStore();
    var payload = { format: EXPORT_FORMAT, version: 1, exported: new Date().toISOString(), learner: data.learner,
      last: data.last, cases: data.cases, review: data.review || {} };
    var blob = new Blob([JSON.stringify(payload, null, 2)], { type: "application/json" });
    var link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = "ceh-course-progress.json";
    document.body.appendChild(link);
    link.click();
    link.remove();
    message.textContent = "Progress exported as ceh-course-progress.json.";
  }

  function setupProgressTools() {
    var tools = document.querySelector(".progress-tools");
    var extra = document.getElementById("progress-dashboard-data");
    if (!tools || !extra) return;
    var rules = JSON.parse(extra.textContent).grading;
    tools.hidden = false;
    var message = tools.querySelector(".progress-message");
    var input = tools.querySelector(".progress-import");
    tools.querySelector(".progress-export").addEventListener("click", function () { exportProgress(message); });

    function refuse(name, reason) {
      message.textContent = "Could not import " + name + ": " + reason + ". Nothing was changed.";
    }

    function apply(name, file, choice) {
      var known = catalogue(), store = readStore();
      if (!choice) {
        message.textContent = "Import of " + name + " cancelled. Nothing was changed.";
        return;
      }
      var plan = choice === "merge" ? mergePlan(store, file, known) : null;
      if (!writeStore(plan ? plan.store : replacement(store, file))) {
        refuse(name, "this browser would not save the result (its storage is full or blocked)");
        return;
      }
      message.textContent = plan
        ? "Merged " + name + " into your progress: " + mergeSummary(plan, true) + "."
        : "Replaced your progress with " + name + ": " + plural(file.answers, "answer") + ".";
      refreshProgressCells();
      setupDashboard();
    }

    input.addEventListener("change", function () {
      var chosen = input.files && input.files[0];
      input.value = "";  // the same file can be chosen again
      if (!chosen) return;
      var name = chosen.name;
      if (chosen.size > MAX_IMPORT_BYTES) {
        var megabytes = Math.ceil((10 * chosen.size) / MAX_IMPORT_BYTES) / 10;
        refuse(name, "it is " + megabytes + " MB, over the 1 MB limit for a progress file");
        return;
      }
      var reader = new FileReader();
      reader.onerror = function () { refuse(name, "this browser could not read it"); };
      reader.onload = function () {
        var data;
        try {
          data = JSON.parse(String(reader.result));
        } catch (e) {
          refuse(name, "it is not valid JSON");
          return;
        }
        var known = catalogue();
        var file = checkImport(data, known, rules);
        if (file.problem) {
          refuse(name, file.problem);
          return;
        }
        message.textContent = "";
        var store = readStore();
        confirmImport(tools, input, name, file, mergePlan(store, file, known), currentAnswers(store, known), function (choice) {
          apply(name, file, choice);
        });
      };
      reader.readAsText(chosen);
    });
  }


  setupProgressTools();
  setupDashboard();
})();
