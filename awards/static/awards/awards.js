// Voting UX: show how many entries are chosen out of the limit. The form works the same without it.
(function () {
  var form = document.querySelector(".vote-form[data-vote-limit]");
  if (!form) return;
  var limit = parseInt(form.getAttribute("data-vote-limit"), 10);
  var counter = form.querySelector("[data-vote-counter]");
  var boxes = form.querySelectorAll('input[type="checkbox"][name="entries"]');
  function update() {
    var chosen = 0;
    for (var i = 0; i < boxes.length; i++) if (boxes[i].checked) chosen++;
    counter.hidden = false;
    counter.textContent = "已选 " + chosen + " / " + limit + " 个" + (chosen > limit ? "，超出 " + (chosen - limit) + " 个，请取消部分选择" : "");
    counter.classList.toggle("vote-form__counter--over", chosen > limit);
  }
  form.addEventListener("change", update);
  form.addEventListener("submit", function (event) {
    var chosen = form.querySelectorAll('input[name="entries"]:checked').length;
    if (chosen === 0 || chosen > limit) {
      event.preventDefault();
      update();
      if (chosen === 0) counter.textContent = "请至少选择一个作品。";
      counter.classList.add("vote-form__counter--over");
    }
  });
  update();
})();
