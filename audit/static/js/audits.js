// The scoring form, made kinder where scripts run (it saves the same way without them):
// marks each standard and section changed since the page was loaded, warns before leaving the
// page with such changes, and after a refused save puts the focus on the error summary, whose
// links go to their fields. A file, not inline: the Content-Security-Policy forbids those.
(function () {
  "use strict";
  var summary = document.querySelector(".error-summary");
  if (summary) {
    summary.focus();
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      var field = link && document.getElementById(link.getAttribute("href").slice(1));
      if (!field) {
        return;
      }
      // To the field, with what says what it is (its label, or its group's) in view above it.
      event.preventDefault();
      var group = field.closest("[role=radiogroup]");
      var label = group ? document.getElementById(group.getAttribute("aria-labelledby"))
        : document.querySelector("label[for='" + field.id + "']");
      (label || field).scrollIntoView();
      field.focus({ preventScroll: true });
    });
  }

  var form = document.querySelector("form.scoring-form");
  if (!form) {
    return;
  }
  var text = form.getAttribute("data-unsaved");
  var submitting = false;

  function isChanged(control) {
    if (control.type === "radio" || control.type === "checkbox") {
      return control.checked !== control.defaultChecked;
    }
    if (control.tagName === "SELECT") {
      return Array.prototype.some.call(control.options, function (option) {
        return option.selected !== option.defaultSelected;
      });
    }
    return control.type !== "hidden" && control.value !== control.defaultValue;
  }

  function hasChanges(container) {
    return Array.prototype.some.call(container.querySelectorAll("input, textarea, select"), isChanged);
  }

  // A mark the page came with (a refused save) stays until the next save; this script's own
  // marks come and go with the changes.
  function mark(heading, isOn) {
    var own = heading.querySelector(".unsaved--live");
    if (isOn && !heading.querySelector(".unsaved")) {
      own = document.createElement("span");
      own.className = "unsaved unsaved--live";
      own.textContent = text;
      heading.append(" ", own);
    } else if (!isOn && own) {
      own.previousSibling.remove();
      own.remove();
    }
  }

  function refresh(section) {
    var changed = false;
    section.querySelectorAll("fieldset.standard").forEach(function (standard) {
      var isChanged = hasChanges(standard);
      mark(standard.querySelector("legend"), isChanged);
      changed = changed || isChanged;
    });
    mark(section.querySelector("h2"), changed);
  }

  function onEdit(event) {
    var section = event.target.closest("section");
    if (section) {
      refresh(section);
    }
  }

  // Values the browser restores on going back count as changes too.
  form.querySelectorAll("section").forEach(refresh);
  form.addEventListener("input", onEdit);
  form.addEventListener("change", onEdit);
  form.addEventListener("submit", function () {
    submitting = true;
    form.querySelectorAll(".unsaved").forEach(function (badge) {
      badge.remove();
    });
  });
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) {  // back again from the page the save led to
      submitting = false;
      form.querySelectorAll("section").forEach(refresh);
    }
  });
  window.addEventListener("beforeunload", function (event) {
    if (!submitting && form.querySelector(".unsaved")) {
      event.preventDefault();
      event.returnValue = "";  // older browsers ask only when this is set
    }
  });
})();
