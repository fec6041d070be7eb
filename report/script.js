// The report's few interactions: filters and task highlighting. It loads
// nothing and writes nothing to the console.
(function () {
  "use strict";
  function toggle(id, cls) {
    var box = document.getElementById(id);
    if (!box) { return; }
    box.addEventListener("change", function () {
      document.body.classList.toggle(cls, box.checked);
    });
  }
  toggle("only-marked", "only-marked");
  toggle("only-delays", "only-delays");

  // Clicking a task highlights every tag of that task; clicking it again
  // clears the highlight.
  var selected = null;
  document.addEventListener("click", function (ev) {
    var tag = ev.target.closest ? ev.target.closest(".task") : null;
    if (!tag) { return; }
    var path = tag.getAttribute("data-task");
    selected = selected === path ? null : path;
    var tags = document.querySelectorAll(".task");
    for (var i = 0; i !== tags.length; i++) {
      tags[i].classList.toggle("sel", selected !== null && tags[i].getAttribute("data-task") === selected);
    }
  });
})();
