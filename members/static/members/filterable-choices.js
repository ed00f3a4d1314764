/* members.widgets: a filter box over a long list of checkboxes. Without this file the list works as it is.
   The texts it shows come from the widget's data-text-* attributes (this file stays ASCII). */
(function () {
    "use strict";

    function words(text) {
        return text.trim().toLowerCase().split(/\s+/).filter(function (word) { return word; });
    }

    function setUp(root) {
        if (root.dataset.filterableChoicesReady) { return; }
        root.dataset.filterableChoicesReady = "true";
        var box = root.querySelector("[data-filterable-choices-filter]");
        var input = box.querySelector("input");
        var status = root.querySelector("[data-filterable-choices-status]");
        var items = Array.prototype.slice.call(root.querySelectorAll("[data-filter-text]"));

        function text(name, values) {
            return (root.dataset[name] || "").replace(/\{(\w+)\}/g, function (_, key) { return values[key]; });
        }

        function checkedCount() {
            return items.filter(function (item) {
                var checkbox = item.querySelector("input[type=checkbox]");
                return checkbox && checkbox.checked;
            }).length;
        }

        function apply() {
            var wanted = words(input.value);
            var checked = checkedCount();
            if (!wanted.length) {
                items.forEach(function (item) { item.hidden = false; item.classList.remove("is-context"); });
                status.textContent = checked ? text("textChecked", { n: checked }) : "";
                return;
            }
            var keep = {};
            var matches = {};
            var found = 0;
            items.forEach(function (item) {
                var text = item.dataset.filterText;
                var isMatch = wanted.every(function (word) { return text.indexOf(word) !== -1; });
                var checkbox = item.querySelector("input[type=checkbox]");
                if (isMatch) { found += 1; matches[item.dataset.value] = true; }
                if (isMatch || (checkbox && checkbox.checked)) {
                    keep[item.dataset.value] = true;
                    (item.dataset.ancestors || "").split(" ").forEach(function (id) { if (id) { keep[id] = true; } });
                }
            });
            items.forEach(function (item) {
                var shown = Boolean(keep[item.dataset.value]);
                var checkbox = item.querySelector("input[type=checkbox]");
                item.hidden = !shown;
                item.classList.toggle("is-context", shown && !matches[item.dataset.value] && !(checkbox && checkbox.checked));
            });
            status.textContent = (found ? text("textFound", { n: found }) : text("textNone", { q: input.value.trim() })) +
                (checked ? text("textCheckedKept", { n: checked }) : "");
        }

        box.hidden = false;
        input.addEventListener("input", apply);
        // Enter in the filter must not submit the page's form.
        input.addEventListener("keydown", function (event) {
            if (event.key === "Enter") { event.preventDefault(); }
        });
        root.addEventListener("change", function (event) {
            if (event.target.type === "checkbox") {
                var checked = checkedCount();
                if (!words(input.value).length) { status.textContent = checked ? text("textChecked", { n: checked }) : ""; }
            }
        });
        apply();
    }

    function setUpAll() {
        Array.prototype.forEach.call(document.querySelectorAll("[data-filterable-choices]"), setUp);
    }

    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", setUpAll);
    } else {
        setUpAll();
    }
})();
