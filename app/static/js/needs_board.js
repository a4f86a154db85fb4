// The needs board: drag a card to another column to move it (the card's own form does the
// same without JavaScript). Posts the card's move form as JSON-accepting fetch.
(function () {
  "use strict";
  var board = document.getElementById("needs-board");
  if (!board || board.dataset.canMove !== "1") return;
  var dragged = null;
  board.addEventListener("dragstart", function (event) {
    dragged = event.target.closest(".need-card");
    if (dragged) event.dataTransfer.setData("text/plain", dragged.dataset.need);
  });
  board.querySelectorAll(".needs-column").forEach(function (column) {
    column.addEventListener("dragover", function (event) { event.preventDefault(); });
    column.addEventListener("drop", function (event) {
      event.preventDefault();
      if (!dragged) return;
      var card = dragged, status = column.dataset.status;
      dragged = null;
      var form = card.querySelector("form.need-move");
      var data = new FormData(form);
      data.set("status", status);
      if (status === "rejected") {
        var reason = window.prompt(board.dataset.reason);
        if (!reason) return;
        data.set("reason", reason);
      }
      fetch(card.dataset.moveUrl, {
        method: "POST", body: data, credentials: "same-origin",
        headers: { "Accept": "application/json" }
      }).then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        column.appendChild(card);
        form.querySelector("select[name=status]").value = status;
        board.querySelectorAll(".needs-column").forEach(function (each) {
          each.querySelector("h2 .badge").textContent =
            each.querySelectorAll(".need-card").length;
        });
      }).catch(function () { window.alert(board.dataset.error); });
    });
  });
})();
