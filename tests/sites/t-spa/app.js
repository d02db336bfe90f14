
(function () {
  var app = document.getElementById('app');
  var views = {
    '/': '<h1>Home</h1><p><a href="/help">Help</a> · <a href="/about">About</a></p>',
    '/help': '<h1>Help</h1><p><a href="/help/contact">Contact</a> · <a href="/">Home</a></p>',
    '/help/contact': '<h1>Contact</h1><p>Call <a href="tel:+18005550107">1-800-555-0107</a></p>',
    '/about': '<h1>About</h1><p>A single-page app.</p>'
  };
  function render() {
    var p = location.pathname.replace(/\/+$/, '') || '/';
    app.innerHTML = views[p] || '<h1>Not found</h1>';
  }
  document.addEventListener('click', function (e) {
    var a = e.target.closest('a[href^="/"]');
    if (!a) return;
    e.preventDefault();
    history.pushState({}, '', a.getAttribute('href'));
    render();
  });
  window.addEventListener('popstate', render);
  render();
})();
