// Live progress of a finalisation run: polls the period's progress (codes and counts only)
// every second and reloads the page when the run has ended. Vendored with the desk.
(function () {
  "use strict";
  var box = document.getElementById("kemajuan");
  if (!box) { return; }
  var url = box.getAttribute("data-url");
  var bar = box.querySelector("progress");
  var stage = box.querySelector(".tahap");
  var count = box.querySelector(".hitung");
  var secs = box.querySelector(".detik");
  function poll() {
    fetch(url, { credentials: "same-origin", cache: "no-store" })
      .then(function (r) { return r.json(); })
      .then(function (j) {
        if (j.status !== "menunggu" && j.status !== "berjalan") {
          window.location.reload();
          return;
        }
        bar.max = Math.max(j.total, 1);
        bar.value = j.selesai;
        stage.textContent = j.tahap;
        count.textContent = j.selesai + "/" + j.total + " kelurahan" +
          (j.baris ? ", " + j.baris.toLocaleString("id-ID") + " baris" : "");
        secs.textContent = j.detik + " detik";
        window.setTimeout(poll, 1000);
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 1000);
})();
