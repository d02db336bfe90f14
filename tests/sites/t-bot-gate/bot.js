
function makeBot(panel, nodes, delay, typing) {
  var log = panel.querySelector('.log');
  function bubble(text, cls) {
    var d = document.createElement('p'); d.className = cls; d.textContent = text; log.appendChild(d); return d;
  }
  function show(id) {
    var t = bubble(typing, 'typing');
    setTimeout(function () {
      t.remove();
      var n = nodes[id];
      bubble(n.say, 'bot');
      var row = document.createElement('div'); row.className = 'opts';
      (n.options || []).forEach(function (o) {
        var b = document.createElement('button'); b.type = 'button'; b.textContent = o[0];
        b.onclick = function () { row.remove(); bubble(o[0], 'me'); show(o[1]); };
        row.appendChild(b);
      });
      if (n.connect) {
        var c = document.createElement('button'); c.type = 'button'; c.textContent = n.connect;
        c.setAttribute('data-contact-start', 'live-chat');
        c.onclick = function () { c.textContent = n.busy || 'Connecting…'; c.disabled = true; };
        row.appendChild(c);
      }
      log.appendChild(row);
    }, delay);
  }
  return { start: function () { if (!log.children.length) show('hello'); } };
}
