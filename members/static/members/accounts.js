/* Members' login slips (members/accounts/issued.html): a print button; without JavaScript the browser's print works. */
(function () {
    "use strict";
    function setUp() {
        Array.prototype.forEach.call(document.querySelectorAll("[data-print-slips]"), function (button) {
            button.hidden = false;
            button.addEventListener("click", function () { window.print(); });
        });
    }
    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", setUp);
    } else {
        setUp();
    }
})();
