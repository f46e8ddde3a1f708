/* Static case-vignette quizzes: grading, feedback, unfolding stages and saved progress.
 * No framework, no network. Grading rules mirror src/cehcourse/grading.py; the test
 * tests/test_agreement.py checks that both give the same verdicts. */
(function () {
  "use strict";

  var STORE_KEY = "cehcourse.progress.v1";
  var EXPORT_FORMAT = "cehcourse-progress";

  /* ---- storage: blocked, full or corrupted localStorage must never break a quiz ---- */

  function emptyStore() {
    return { version: 1, cases: {} };
  }

  function isPlainObject(value) {
    return value !== null && typeof value === "object" && !Array.isArray(value);
  }

  function validAnswer(answer) {
    if (typeof answer === "number") return isFinite(answer);
    return Array.isArray(answer) && answer.length > 0 && answer.every(function (i) {
      return typeof i === "number" && i >= 0 && Math.floor(i) === i;
    });
  }

  /* One saved answer: h the question's content hash, a and c the latest answer and whether
   * it was correct, t and f the first try's (what the score counts; older stores lack them). */
  function validEntry(entry) {
    if (!isPlainObject(entry) || typeof entry.h !== "string" || typeof entry.c !== "boolean") {
      return false;
    }
    if (entry.f !== undefined && typeof entry.f !== "boolean") return false;
    if (entry.t !== undefined && !validAnswer(entry.t)) return false;
    return validAnswer(entry.a);
  }

  function firstTryCorrect(entry) {
    return typeof entry.f === "boolean" ? entry.f : entry.c;
  }

  /* A random id for this browser's learner, so a class report never counts one student's
   * export twice; it identifies no one. */
  function newLearnerId() {
    var bytes = new Uint8Array(8);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
  }

  /* Spaced review (a Leitner schedule): a question missed comes back after 1 day; each
   * right answer on a review moves it up a box (3, 7, 14, 30 days); after the last box it
   * leaves the schedule; any wrong answer puts it back in box 1. Entries are
   * review["case/question"] = {h: content hash, b: box, d: due day "YYYY-MM-DD"}. */
  var REVIEW_DAYS = [1, 3, 7, 14, 30];

  function validReview(entry) {
    return isPlainObject(entry) && typeof entry.h === "string" && typeof entry.b === "number" &&
      entry.b >= 1 && entry.b <= REVIEW_DAYS.length && Math.floor(entry.b) === entry.b &&
      typeof entry.d === "string" && /^\d{4}-\d{2}-\d{2}$/.test(entry.d);
  }

  /* The learner's own calendar day, so "due today" turns over at their midnight. */
  function dayString(date) {
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    return date.getFullYear() + "-" + pad(date.getMonth() + 1) + "-" + pad(date.getDate());
  }

  function today() {
    return dayString(new Date());
  }

  function daysFromToday(days) {
    var date = new Date();
    date.setDate(date.getDate() + days);
    return dayString(date);
  }

  /* After every graded answer to question `key` (case page, bank or review alike): a miss
   * (re)starts the schedule; a right answer moves the question on only when it was due. */
  function scheduleReview(store, key, hash, correct) {
    var review = store.review = store.review || {};
    var entry = validReview(review[key]) && review[key].h === hash ? review[key] : null;
    if (!correct) {
      review[key] = { h: hash, b: 1, d: daysFromToday(REVIEW_DAYS[0]) };
    } else if (entry && entry.d <= today()) {
      if (entry.b >= REVIEW_DAYS.length) {
        delete review[key];
      } else {
        review[key] = { h: hash, b: entry.b + 1, d: daysFromToday(REVIEW_DAYS[entry.b]) };
      }
    }
  }

  /* One walk over stored or imported progress: the well-formed entries, and a message for
   * each malformed one. An import is refused whole on the first problem; the stored copy is
   * repaired entry by entry, because one bad entry (an old version, a hand edit) must never
   * hide or wipe the rest. */
  function examineStore(data) {
    var store = emptyStore();
    var problems = [];
    if (!isPlainObject(data)) return { store: store, problems: ["it is not a JSON object"] };
    if (data.version !== 1) return { store: store, problems: ["its version is not 1"] };
    if (!isPlainObject(data.cases)) problems.push("it has no \"cases\" object");
    if (typeof data.learner === "string" && /^[0-9a-f]{16}$/.test(data.learner)) store.learner = data.learner;
    else if (data.learner !== undefined) problems.push("its learner id is malformed");
    if (typeof data.last === "string") store.last = data.last;
    else if (data.last !== undefined) problems.push("its last case is malformed");
    var cases = isPlainObject(data.cases) ? data.cases : {};
    Object.keys(cases).forEach(function (caseId) {
      if (!isPlainObject(cases[caseId])) {
        problems.push("case \"" + caseId + "\" is not an object");
        return;
      }
      Object.keys(cases[caseId]).forEach(function (qid) {
        if (validEntry(cases[caseId][qid])) (store.cases[caseId] = store.cases[caseId] || {})[qid] = cases[caseId][qid];
        else problems.push("the answer to \"" + qid + "\" is malformed");
      });
    });
    if (data.review !== undefined && !isPlainObject(data.review)) problems.push("its review schedule is not an object");
    var review = isPlainObject(data.review) ? data.review : {};
    Object.keys(review).forEach(function (key) {
      if (validReview(review[key])) (store.review = store.review || {})[key] = review[key];
      else problems.push("the review entry for \"" + key + "\" is malformed");
    });
    return { store: store, problems: problems };
  }

  /* An error message, or "" when data is a well-formed store (imports are refused whole). */
  function storeProblem(data) {
    return examineStore(data).problems[0] || "";
  }

  function readStore() {
    try {
      var raw = window.localStorage.getItem(STORE_KEY);
      return raw ? examineStore(JSON.parse(raw)).store : emptyStore();
    } catch (e) {
      return emptyStore();
    }
  }

  /* Returns false when the browser would not keep it (storage blocked or full): the quiz
   * still works for this visit, and an import can say that nothing changed. */
  function writeStore(data) {
    if (!data.learner) data.learner = newLearnerId();
    try {
      window.localStorage.setItem(STORE_KEY, JSON.stringify(data));
      return true;
    } catch (e) {
      return false;
    }
  }

  function savedAnswer(caseId, qid, hash) {
    var entry = (readStore().cases[caseId] || {})[qid];
    return entry && entry.h === hash ? entry : null;
  }

  /* ---- helpers for feedback: built from DOM nodes ----
   * Strings from the case data (a unit, a stage title) go in as text, and explanations are
   * copies of the markup the Python renderer escaped. Nothing here is parsed as HTML. */

  var LETTERS = "ABCDEFGH";

  function formatNumber(value) {
    return String(Number(value.toPrecision(10)));
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function appendCopies(target, source) {
    if (source) source.childNodes.forEach(function (child) { target.appendChild(child.cloneNode(true)); });
    return target;
  }

  function setChildren(target, children) {
    while (target.firstChild) target.removeChild(target.firstChild);
    children.forEach(function (child) { target.appendChild(child); });
  }

  /* The letter option `index` shows: its own unless the question bank shuffled the options. */
  function letterOf(fieldset, index) {
    var span = fieldset.querySelector('.vignette-letter [data-letter="' + index + '"]');
    return span ? span.textContent : LETTERS[index];
  }

  /* One feedback line about option (or item) `index`, with that option's explanation. */
  function optionFeedback(fieldset, index, lead, attribute) {
    var item = element("li");
    item.setAttribute(attribute, String(index));
    item.appendChild(element("strong", "", lead));
    item.appendChild(document.createTextNode(" "));
    return appendCopies(item, fieldset.querySelector('li[data-option="' + index + '"] .vignette-explanation'));
  }

  /* ---- question kinds: one entry per kind, the same rules as src/cehcourse/grading.py ----
   * read(fieldset)                -> the answer in the inputs
   * restore(fieldset, answer)     -> put a saved answer (or null) back into the inputs
   * grade(q, answer)              -> {answered, correct, chosen, missed}
   * details(fieldset, q, verdict, answer) -> feedback nodes after the verdict
   * empty                         -> what to say when nothing is answered */
  var KINDS = {};

  function checkedOptions(fieldset) {
    var chosen = [];
    fieldset.querySelectorAll("input[type=radio], input[type=checkbox]").forEach(function (input) {
      if (input.checked) chosen.push(Number(input.value));
    });
    return chosen;
  }

  function choiceKind(gradeChosen) {
    return {
      read: checkedOptions,
      restore: function (fieldset, answer) {
        fieldset.querySelectorAll("input[type=radio], input[type=checkbox]").forEach(function (input) {
          input.checked = Array.isArray(answer) && answer.indexOf(Number(input.value)) !== -1;
        });
      },
      grade: function (q, answer) {
        if (!Array.isArray(answer) || !answer.length) return { answered: false };
        return gradeChosen(q, answer.slice().sort(function (a, b) { return a - b; }));
      },
      /* Marks in the option list itself, in words and symbols (colour is decoration). */
      mark: function (fieldset, q, verdict) {
        fieldset.querySelectorAll(".vignette-option").forEach(function (row) {
          var index = Number(row.querySelector("input").value);
          var chosen = verdict.chosen.indexOf(index) !== -1;
          var right = q.correct.indexOf(index) !== -1;
          if (!chosen && !right) return;
          var text = chosen ? (right ? "✓ Your answer: correct" : "✗ Your answer: incorrect") : "✓ Correct answer";
          var badge = element("span", "vignette-mark " + (right ? "is-correct" : "is-incorrect"), text);
          row.querySelector("label").appendChild(badge);
        });
      },
      details: function (fieldset, q, verdict) {
        var parts = [];
        // In the order the student sees the letters (the question bank shuffles options).
        var inLetterOrder = function (indexes) {
          return indexes.slice().sort(function (a, b) { return letterOf(fieldset, a) < letterOf(fieldset, b) ? -1 : 1; });
        };
        if (q.kind === "single" && !verdict.correct) {
          parts.push(element("p", "", "The answer is " + inLetterOrder(q.correct).map(function (i) { return letterOf(fieldset, i); }).join(", ") + "."));
        }
        var list = element("ul", "vignette-feedback-list");
        inLetterOrder(verdict.chosen).forEach(function (i) {
          list.appendChild(optionFeedback(fieldset, i, "You chose " + letterOf(fieldset, i) + ".", "data-feedback-option"));
        });
        inLetterOrder(verdict.missed).forEach(function (i) {
          list.appendChild(optionFeedback(fieldset, i, "You missed " + letterOf(fieldset, i) + ".", "data-feedback-missed"));
        });
        return parts.concat([list]);
      },
      empty: "Choose an answer first."
    };
  }

  KINDS.single = choiceKind(function (q, chosen) {
    return { answered: true, correct: q.correct.indexOf(chosen[0]) !== -1, chosen: chosen, missed: [] };
  });

  KINDS.multiple = choiceKind(function (q, chosen) {
    var missed = q.correct.filter(function (i) { return chosen.indexOf(i) === -1; });
    var extra = chosen.filter(function (i) { return q.correct.indexOf(i) === -1; });
    return { answered: true, correct: missed.length === 0 && extra.length === 0, chosen: chosen, missed: missed };
  });

  KINDS.numeric = {
    read: function (fieldset) {
      var text = fieldset.querySelector("input[type=number]").value.trim();
      return text === "" ? null : Number(text);
    },
    restore: function (fieldset, answer) {
      fieldset.querySelector("input[type=number]").value = answer === null ? "" : String(answer);
    },
    grade: function (q, answer) {
      if (typeof answer !== "number" || !isFinite(answer)) return { answered: false };
      return { answered: true, correct: Math.abs(answer - q.value) <= q.tolerance, chosen: [], missed: [] };
    },
    details: function (fieldset, q, verdict, answer) {
      var unit = q.unit ? " " + q.unit : "";
      var parts = [element("p", "", "You answered " + formatNumber(answer) + unit + ". The answer is " +
        formatNumber(q.value) + unit + (q.tolerance ? " (accepted within ±" + formatNumber(q.tolerance) + ")" : "") + ".")];
      var worked = fieldset.querySelector('[data-explanation="numeric"]');
      if (worked) parts.push(appendCopies(element("div", "vignette-feedback-explanation"), worked));
      return parts;
    },
    empty: "Enter a number first."
  };

  /* Ordering: the answer is the step number the student gave each item, in the order the
   * items are shown; it is graded only when every item has its own step. */
  function lettersInOrder(steps) {
    return steps.map(function (step, item) { return [step, item]; })
      .sort(function (a, b) { return a[0] - b[0]; })
      .map(function (pair) { return LETTERS[pair[1]]; }).join(", ");
  }

  KINDS.ordering = {
    read: function (fieldset) {
      return Array.prototype.map.call(fieldset.querySelectorAll("select[data-item]"), function (select) {
        return select.value === "" ? 0 : Number(select.value);
      });
    },
    restore: function (fieldset, answer) {
      fieldset.querySelectorAll("select[data-item]").forEach(function (select, item) {
        select.value = Array.isArray(answer) && answer[item] ? String(answer[item]) : "";
      });
    },
    grade: function (q, answer) {
      var n = q.steps.length;
      var complete = Array.isArray(answer) && answer.length === n && answer.every(function (step, i) {
        return step >= 1 && step <= n && answer.indexOf(step) === i;
      });
      if (!complete) return { answered: false };
      var misplaced = [];
      answer.forEach(function (step, item) { if (step !== q.steps[item]) misplaced.push(item); });
      return { answered: true, correct: misplaced.length === 0, chosen: [], missed: misplaced };
    },
    details: function (fieldset, q, verdict, answer) {
      var parts = [
        element("p", "", "Your order: " + lettersInOrder(answer) + "."),
        element("p", "", "The right order: " + lettersInOrder(q.steps) + ".")
      ];
      if (verdict.missed.length) {
        var list = element("ul", "vignette-feedback-list");
        verdict.missed.forEach(function (item) {
          list.appendChild(optionFeedback(fieldset, item, "You put " + LETTERS[item] + " at step " + answer[item] +
            "; it is step " + q.steps[item] + ".", "data-feedback-missed"));
        });
        parts.push(list);
      }
      return parts;
    },
    empty: "Give every step its own number first."
  };

  function clearMarks(fieldset) {
    fieldset.querySelectorAll(".vignette-mark").forEach(function (badge) { badge.remove(); });
  }

  function feedbackNodes(fieldset, q, verdict, answer) {
    var verdictLine = element("p", "vignette-verdict");
    verdictLine.appendChild(element("strong", "", verdict.correct ? "Correct." : "Incorrect."));
    var parts = [verdictLine].concat(KINDS[q.kind].details(fieldset, q, verdict, answer));
    var teaching = fieldset.querySelector(".vignette-teaching");
    if (teaching) parts.push(appendCopies(element("div", "vignette-feedback-teaching"), teaching));
    return parts;
  }

  /* ---- one case ---- */

  /* options (the question bank's): fresh -- do not restore saved answers; hold -- an exam:
   * "Save answer" keeps the answer without feedback until reveal(); onCheck(qid, verdict)
   * -- called after each graded answer. */
  function Vignette(root, options) {
    this.root = root;
    this.options = options || {};
    this.id = root.getAttribute("data-vignette");
    this.practice = root.getAttribute("data-mode") === "practice";
    var data = JSON.parse(root.querySelector("script.vignette-data").textContent);
    for (var qid in data.questions) {
      if (!KINDS[data.questions[qid].kind]) throw new Error("question " + qid + " has an unknown kind");
    }
    this.questions = data.questions;
    this.stages = Array.prototype.slice.call(root.querySelectorAll(".vignette-stage"));
    this.score = root.querySelector(".vignette-score");
    this.answered = {};
    this.correct = {};
    this.init();
  }

  Vignette.prototype.fieldsets = function () {
    return Array.prototype.slice.call(this.root.querySelectorAll("fieldset.vignette-question"));
  };

  Vignette.prototype.init = function () {
    var self = this;
    var toolbar = this.root.querySelector(".vignette-toolbar");
    if (toolbar) {
      toolbar.hidden = false;
      if (this.practice) this.score.hidden = true;
      this.root.querySelector(".vignette-reset").addEventListener("click", function () { self.reset(); });
    }
    this.fieldsets().forEach(function (fieldset) {
      var qid = fieldset.getAttribute("data-question");
      var button = fieldset.querySelector(".vignette-check");
      button.hidden = false;
      if (self.options.hold) button.textContent = "Save answer";
      fieldset.querySelector("details.vignette-answer").hidden = true;
      button.addEventListener("click", function () { self.check(fieldset, true); });
      var number = fieldset.querySelector("input[type=number]");
      if (number) {
        number.addEventListener("keydown", function (event) {
          if (event.key === "Enter") {
            event.preventDefault();
            self.check(fieldset, true);
          }
        });
      }
      var saved = !self.options.fresh && savedAnswer(self.id, qid, fieldset.getAttribute("data-hash"));
      if (saved) {
        KINDS[self.questions[qid].kind].restore(fieldset, saved.a);
        self.check(fieldset, false);
      }
    });
    this.updateStages(false);
    this.updateScore();
    this.updateSummary();
  };

  /* Grade the current inputs; `save` is false when restoring a stored answer. */
  Vignette.prototype.check = function (fieldset, save) {
    var qid = fieldset.getAttribute("data-question");
    var q = this.questions[qid];
    var kind = KINDS[q.kind];
    var answer = kind.read(fieldset);
    var verdict = kind.grade(q, answer);
    var feedback = fieldset.querySelector(".vignette-feedback");
    clearMarks(fieldset);
    if (!verdict.answered) {
      feedback.className = "vignette-feedback vignette-feedback-empty";
      setChildren(feedback, [element("p", "", kind.empty)]);
      return;
    }
    if (this.options.hold) {
      // An exam: keep the answer, say so, and give no hint of the verdict until reveal().
      this.answered[qid] = true;
      feedback.className = "vignette-feedback vignette-feedback-held";
      setChildren(feedback, [element("p", "", "Answer saved. You can change it until you finish; feedback comes at the end.")]);
      if (this.options.onCheck) this.options.onCheck(qid, null);
      return;
    }
    feedback.className = "vignette-feedback " + (verdict.correct ? "is-correct" : "is-incorrect");
    setChildren(feedback, feedbackNodes(fieldset, q, verdict, answer));
    if (kind.mark) kind.mark(fieldset, q, verdict, answer);
    fieldset.setAttribute("data-verdict", verdict.correct ? "correct" : "incorrect");
    fieldset.querySelector("details.vignette-answer").hidden = false;
    var hash = fieldset.getAttribute("data-hash");
    var store = readStore();
    var entries = store.cases[this.id] = store.cases[this.id] || {};
    var earlier = entries[qid] && entries[qid].h === hash ? entries[qid] : null;
    // The first try counts; later tries are practice, shown as such.
    var first = earlier ? firstTryCorrect(earlier) : verdict.correct;
    var firstAnswer = earlier ? (earlier.t !== undefined ? earlier.t : earlier.a) : answer;
    var retried = earlier !== null && (save || JSON.stringify(firstAnswer) !== JSON.stringify(earlier.a));
    this.answered[qid] = true;
    this.correct[qid] = first;
    var attempts = fieldset.querySelector(".vignette-attempts");
    attempts.textContent = retried ? "First try: " + (first ? "correct" : "incorrect") + "; " +
      (save ? "this try" : "later") + ": " + (verdict.correct ? "correct" : "incorrect") +
      ". Your score counts the first try." : "";
    if (save) {
      entries[qid] = { h: hash, a: answer, c: verdict.correct, f: first, t: firstAnswer };
      store.last = this.id;
      scheduleReview(store, this.id + "/" + qid, hash, verdict.correct);
      writeStore(store);
      var revealed = this.updateStages(true);
      if (revealed) {
        feedback.appendChild(element("p", "vignette-next", "The next stage, “" +
          revealed.querySelector(".vignette-stage-title").textContent + "”, is now shown below."));
      }
      this.updateScore();
      this.updateSummary();
      refreshProgressCells();
      if (this.options.onCheck) this.options.onCheck(qid, verdict);
    }
  };

  /* The end of an exam: grade and save every answer given, with its feedback; a question
   * left blank shows its worked answer. */
  Vignette.prototype.reveal = function () {
    this.options.hold = false;
    this.fieldsets().forEach(function (fieldset) {
      fieldset.querySelector(".vignette-check").hidden = true;
      fieldset.querySelectorAll("input, select").forEach(function (input) { input.disabled = true; });
      if (this.answered[fieldset.getAttribute("data-question")]) {
        this.check(fieldset, true);
      } else {
        var feedback = fieldset.querySelector(".vignette-feedback");
        feedback.className = "vignette-feedback is-incorrect";
        setChildren(feedback, [element("p", "vignette-verdict", "Not answered.")]);
        var details = fieldset.querySelector("details.vignette-answer");
        details.hidden = false;
        details.open = true;
      }
    }, this);
  };

  /* A stage shows once every question before it is answered. Returns a newly shown stage. */
  Vignette.prototype.updateStages = function () {
    var self = this;
    var open = true;
    var revealed = null;
    this.stages.forEach(function (stage) {
      var wasHidden = stage.hidden;
      stage.hidden = !open;
      if (wasHidden && open && !revealed) revealed = stage;
      stage.querySelectorAll("fieldset.vignette-question").forEach(function (fieldset) {
        if (!self.answered[fieldset.getAttribute("data-question")]) open = false;
      });
    });
    return revealed;
  };

  Vignette.prototype.updateScore = function () {
    if (!this.score) return;
    var total = Object.keys(this.questions).length;
    var answered = Object.keys(this.answered).length;
    var right = Object.keys(this.correct).filter(function (k) { return this.correct[k]; }, this).length;
    var count = total + " question" + (total === 1 ? "" : "s");
    this.score.textContent = answered === 0 ? "Not started: " + count + "."
      : "First-try score: " + right + " correct of " + answered + " answered (" + count + ").";
  };

  /* Once every question is answered: the first-try score, the questions to review (missed
   * on the first try) and, from the page, the case's objectives and the next case. */
  Vignette.prototype.updateSummary = function () {
    var summary = this.root.querySelector(".vignette-summary");
    if (!summary) return;
    var total = Object.keys(this.questions).length;
    summary.hidden = Object.keys(this.answered).length < total;
    if (summary.hidden) return;
    var missed = this.fieldsets().filter(function (fieldset) {
      return !this.correct[fieldset.getAttribute("data-question")];
    }, this);
    summary.querySelector(".vignette-summary-score").textContent =
      "First try: " + (total - missed.length) + " of " + total + " correct.";
    var review = [];
    if (missed.length) {
      review.push(element("p", "", "Review the question" + (missed.length === 1 ? "" : "s") + " you missed on the first try:"));
      var list = element("ul");
      missed.forEach(function (fieldset) {
        var link = element("a", "", fieldset.querySelector("legend").textContent);
        link.href = "#" + fieldset.id;
        list.appendChild(element("li")).appendChild(link);
      });
      review.push(list);
    } else {
      review.push(element("p", "", "Every question right on the first try."));
    }
    setChildren(summary.querySelector(".vignette-summary-review"), review);
    // Each objective: met when every question testing it was right on the first try.
    summary.querySelectorAll("li[data-objective]").forEach(function (item) {
      var tag = item.getAttribute("data-objective");
      var testing = Object.keys(this.questions).filter(function (qid) {
        return (this.questions[qid].objectives || []).indexOf(tag) !== -1;
      }, this);
      var right = testing.filter(function (qid) { return this.correct[qid]; }, this).length;
      item.querySelector(".vignette-objective-result").textContent = testing.length === 0 ? ""
        : (right === testing.length ? " ✓ Met: " : " ✗ To review: ") + right + " of " + testing.length + " right first time.";
    }, this);
  };

  Vignette.prototype.reset = function () {
    var store = readStore();
    var saved = store.cases[this.id] || {};
    this.fieldsets().forEach(function (fieldset) {
      var qid = fieldset.getAttribute("data-question");
      delete saved[qid];
      KINDS[this.questions[qid].kind].restore(fieldset, null);
      var feedback = fieldset.querySelector(".vignette-feedback");
      feedback.className = "vignette-feedback";
      setChildren(feedback, []);
      fieldset.querySelector(".vignette-attempts").textContent = "";
      clearMarks(fieldset);
      fieldset.removeAttribute("data-verdict");
      fieldset.querySelector("details.vignette-answer").hidden = true;
    }, this);
    store.cases[this.id] = saved;
    writeStore(store);
    this.answered = {};
    this.correct = {};
    this.updateStages(false);
    this.updateScore();
    this.updateSummary();
    var noun = this.root.getAttribute("data-noun") || "case";
    this.score.textContent = noun.charAt(0).toUpperCase() + noun.slice(1) + " reset. " + this.score.textContent;
    refreshProgressCells();
  };

  /* ---- progress outside a case: case index, chapter case lists, progress page ---- */

  function catalogue() {
    var node = document.getElementById("vignette-catalogue");
    return node ? JSON.parse(node.textContent) : {};
  }

  function caseProgress(entry, saved) {
    var total = 0, answered = 0, right = 0;
    for (var qid in entry.questions) {
      total += 1;
      var answer = saved[qid];
      if (answer && answer.h === entry.questions[qid]) {
        answered += 1;
        if (firstTryCorrect(answer)) right += 1;
      }
    }
    if (answered === 0) return "Not started";
    if (answered === total) return "Done: " + right + " of " + total + " correct first time";
    // Both counts: "1 of 8 correct" alone reads as if all eight had been answered.
    return "In progress: " + answered + " of " + total + " answered, " + right + " correct first time";
  }

  function refreshProgressCells() {
    var cells = document.querySelectorAll("[data-progress-case]");
    if (!cells.length) return;
    var known = catalogue();
    var store = readStore();
    cells.forEach(function (cell) {
      var id = cell.getAttribute("data-progress-case");
      if (known[id]) cell.textContent = caseProgress(known[id], store.cases[id] || {});
    });
  }

  /* Start every quiz on the page; a quiz that cannot start says so and keeps its no-JS
   * reading. Returns the started quizzes. */
  function startQuizzes(roots, options) {
    var started = [];
    roots.forEach(function (root) {
      try {
        started.push(new Vignette(root, options));
      } catch (e) {
        /* Said in the console (the site tests fail on console errors) and on the page; the
         * block keeps its no-JS reading, answers in each question's <details>. */
        console.error("cehcourse: the quiz for case '" + root.getAttribute("data-vignette") + "' could not start: " + e);
        var notice = element("p", "vignette-broken",
          "This quiz could not start, so your answers cannot be checked or saved here. " +
          "Each question's answer and explanations are still below it.");
        notice.setAttribute("role", "alert");
        root.insertBefore(notice, root.firstChild);
      }
    });
    return started;
  }

  /* What progress.js and bank.js (loaded after this file, on their own pages) build on; the
   * tests also set answers through `kinds` as the quiz itself restores them. */
  window.cehcourse = {
    kinds: KINDS,
    letters: LETTERS,
    store: { read: readStore, write: writeStore, problem: storeProblem, firstTryCorrect: firstTryCorrect, validEntry: validEntry },
    review: { days: REVIEW_DAYS, today: today, valid: validReview },
    catalogue: catalogue,
    refreshProgressCells: refreshProgressCells,
    startQuizzes: startQuizzes,
    element: element,
    setChildren: setChildren
  };

  function start() {
    startQuizzes(Array.prototype.slice.call(document.querySelectorAll("[data-vignette]:not([data-bank-item])")));
    refreshProgressCells();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
