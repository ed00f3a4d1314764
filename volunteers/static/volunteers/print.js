// A print button where JavaScript runs; without it the page says to use the browser's own 打印.
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.hidden = false;
  button.addEventListener("click", function () { window.print(); });
});
