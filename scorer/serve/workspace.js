/* The workspace's only script: better uploads (drag and drop, progress) and a live queue line.
   Every page works without it. It never writes HTML: text only (textContent). */
(function () {
  "use strict";
  document.documentElement.className += " has-js";

  function csrfToken(form) {
    var field = form && form.querySelector("input[name=csrf_token]");
    return field ? field.value : "";
  }

  function getJSON(url, done) {
    var xhr = new XMLHttpRequest();
    xhr.open("GET", url);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.onload = function () {
      if (xhr.status === 200) {
        try { done(JSON.parse(xhr.responseText)); } catch (e) { /* ignore */ }
      }
    };
    xhr.send();
  }

  // --- upload page: drop files, send them with a progress bar, then follow the scoring ---
  var form = document.getElementById("upload-form");
  var input = document.getElementById("files");
  var zone = document.getElementById("dropzone");
  var box = document.getElementById("upload-progress");
  var bar = document.getElementById("upload-bar");
  var text = document.getElementById("upload-text");
  var dropped = null;

  function show(message, value, max) {
    box.hidden = false;
    text.textContent = message;
    if (max !== undefined) { bar.max = max; }
    if (value !== undefined) { bar.value = value; }
  }

  function follow(upload) {
    show("已上传，评分中：" + upload.finished + " / " + upload.total + " 份", upload.finished, upload.total || 1);
    if (upload.finished < upload.total) {
      setTimeout(function () { getJSON("/api/uploads/" + upload.id, follow); }, 1000);
    } else {
      show("评分完成：" + upload.total + " 份。正在打开上传记录……", upload.total, upload.total || 1);
      window.location.href = "/uploads/" + upload.id;
    }
  }

  if (form && input && zone && box) {
    ["dragenter", "dragover"].forEach(function (name) {
      zone.addEventListener(name, function (event) { event.preventDefault(); zone.className = "dropzone over"; });
    });
    ["dragleave", "drop"].forEach(function (name) {
      zone.addEventListener(name, function (event) { event.preventDefault(); zone.className = "dropzone"; });
    });
    zone.addEventListener("drop", function (event) {
      dropped = event.dataTransfer.files;
      show("已选择 " + dropped.length + " 个文件，点击“上传并评分”开始。");
    });
    input.addEventListener("change", function () { dropped = null; });

    form.addEventListener("submit", function (event) {
      var files = dropped || input.files;
      if (!files || !files.length) { return; } // let the browser show its own message
      event.preventDefault();
      var data = new FormData();
      for (var i = 0; i < files.length; i += 1) { data.append("files", files[i], files[i].name); }
      var xhr = new XMLHttpRequest();
      xhr.open("POST", "/api/uploads");
      xhr.setRequestHeader("X-CSRF-Token", csrfToken(form));
      xhr.setRequestHeader("Accept", "application/json");
      xhr.upload.onprogress = function (e) {
        if (e.lengthComputable) { show("正在上传：" + Math.round(e.loaded * 100 / e.total) + "%", e.loaded, e.total); }
      };
      xhr.onload = function () {
        var reply = null;
        try { reply = JSON.parse(xhr.responseText); } catch (e) { reply = null; }
        if (xhr.status === 201 && reply) { follow(reply); return; }
        show("上传失败：" + (reply && reply.detail ? reply.detail : "HTTP " + xhr.status));
      };
      xhr.onerror = function () { show("上传失败：无法连接工作台"); };
      show("正在上传……", 0, 100);
      xhr.send(data);
    });
  }

  // --- every page: keep the queue line current while reports are being scored ---
  var queue = document.getElementById("queue");
  if (queue && queue.getAttribute("data-busy") !== "0") {
    var timer = setInterval(function () {
      getJSON("/api/status", function (s) {
        var busy = s.pending + s.scoring;
        queue.textContent = (busy ? "⟳ 评分中：排队 " + s.pending + " 份，正在评分 " + s.scoring + " 份" : "评分队列空闲") +
          " · 已评分 " + s.done + " 份" + (s.failed ? " · 失败 " + s.failed + " 份" : "");
        if (!busy) { clearInterval(timer); }
      });
    }, 2000);
  }
})();
