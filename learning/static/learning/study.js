/* Study time: report to the server every few seconds while the page is visible and, for video or audio,
   playing. The server counts time by its own clock; this script only says "still studying". Without it the
   lesson still reads, it just does not count. */
(function () {
  "use strict";
  var panel = document.getElementById("study-panel");
  if (!panel || !window.fetch || !window.URLSearchParams) return;
  var url = panel.getAttribute("data-heartbeat-url");
  var pageId = panel.getAttribute("data-page");
  var interval = parseFloat(panel.getAttribute("data-interval")) * 1000;
  var required = parseInt(panel.getAttribute("data-required"), 10);
  var resumeAt = parseFloat(panel.getAttribute("data-position")) || 0;
  var hasTest = panel.getAttribute("data-has-test") === "1";
  var tokenInput = panel.querySelector("input[name=csrfmiddlewaretoken]");
  var token = tokenInput ? tokenInput.value : "";
  var media = document.querySelector("[data-study-media]");
  var secondsEl = panel.querySelector("[data-study-seconds]");
  var noteEl = panel.querySelector("[data-study-note]");
  var stateEl = panel.querySelector("[data-study-state]");
  var bar = panel.querySelector(".progress-bar__fill");
  var progressbar = panel.querySelector(".progress-bar");
  var done = panel.getAttribute("data-completed") === "1";
  var running = false;
  var timer = null;

  var tab = "";
  var bytes = new Uint8Array(12);
  (window.crypto || window.msCrypto).getRandomValues(bytes);
  for (var i = 0; i < bytes.length; i++) tab += ("0" + bytes[i].toString(16)).slice(-2);

  function studyTime(seconds) {
    var minutes = Math.floor(seconds / 60), rest = seconds % 60;
    if (minutes >= 60) return Math.floor(minutes / 60) + " 小时 " + (minutes % 60) + " 分";
    if (minutes) return rest ? minutes + " 分 " + rest + " 秒" : minutes + " 分钟";
    return rest + " 秒";
  }

  function show(data) {
    if (data.error) { noteEl.textContent = data.error; return; }
    secondsEl.textContent = studyTime(data.seconds);
    bar.setAttribute("width", data.percent);  // an SVG rect in a 100-wide box (includes/study.html)
    progressbar.setAttribute("aria-valuenow", data.percent);
    noteEl.textContent = "最近一次计时：" + data.message;
    if (data.completed) {
      stateEl.textContent = data.completed_now ? "本课已完成，学时已计入。" : "本课已完成。";
      stop(false);
      done = true;
    } else if (data.seconds >= required && hasTest) {
      stateEl.textContent = "学习时间已达到要求，通过课后测试后即完成本课。";
      stop(false);
      done = true;
    }
  }

  function send(event, useBeacon) {
    var body = new URLSearchParams();
    body.set("page", pageId);
    body.set("tab", tab);
    body.set("event", event);
    if (media && isFinite(media.currentTime)) body.set("position", media.currentTime.toFixed(1));
    if (useBeacon && navigator.sendBeacon) {
      body.set("csrfmiddlewaretoken", token);
      navigator.sendBeacon(url, body);
      return;
    }
    fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": token, "Content-Type": "application/x-www-form-urlencoded;charset=UTF-8" },
      body: body.toString()
    })
      .then(function (response) { return response.json(); })
      .then(show)
      .catch(function () { noteEl.textContent = "网络连接中断，暂不计时。"; });
  }

  function active() {
    if (document.visibilityState !== "visible") return false;
    return !media || (!media.paused && !media.ended);
  }

  function stop(report) {
    if (!running) return;
    running = false;
    clearInterval(timer);
    if (report) send("pause", report === "beacon");
  }

  function update() {
    if (done) return;
    if (active() && !running) {
      running = true;
      send("start");
      timer = setInterval(function () { send("beat"); }, interval);
    } else if (!active() && running) {
      stop(true);
    }
  }

  if (media) {
    media.addEventListener("loadedmetadata", function () {
      if (resumeAt > 1 && resumeAt < media.duration - 1) media.currentTime = resumeAt;
    }, { once: true });
    ["play", "playing", "pause", "ended"].forEach(function (name) { media.addEventListener(name, update); });
  }
  document.addEventListener("visibilitychange", update);
  window.addEventListener("pagehide", function () { stop("beacon"); });
  if (!done && !noteEl.textContent.trim()) {
    noteEl.textContent = media ? "开始播放后计时。" : "页面保持在前台即开始计时。";
  }
  update();
})();
