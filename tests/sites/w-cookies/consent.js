// A consent wall remembered in a cookie (set by script): until it is answered nothing else
// can be tapped. Another cookie remembers the chosen help tab.
(() => {
  const has = (name) => document.cookie.split('; ').some((c) => c.split('=')[0] === name);
  window.cookieValue = (name) => {
    const hit = document.cookie.split('; ').find((c) => c.split('=')[0] === name);
    return hit ? decodeURIComponent(hit.split('=').slice(1).join('=')) : null;
  };
  document.addEventListener('DOMContentLoaded', () => {
    const wall = document.getElementById('consent');
    if (!has('consent')) wall.hidden = false;
    for (const b of wall.querySelectorAll('button')) {
      b.addEventListener('click', () => {
        // a persistent cookie, and a session one with SameSite=None; Secure
        document.cookie = 'consent=' + b.dataset.choice + '; Max-Age=31536000; Path=/; SameSite=Lax';
        document.cookie = 'consent_sync=1; Path=/; SameSite=None; Secure';
        wall.hidden = true;
      });
    }
  });
})();
