
(function () {
  'use strict';
  var PLANS = {"basic": ["Nimbus Basic", "$25/mo", "5 GB high-speed data, unlimited talk & text."], "unlimited": ["Nimbus Unlimited", "$35/mo", "Unlimited 5G data, 10 GB hotspot."], "unlimited-plus": ["Nimbus Unlimited Plus", "$50/mo", "Premium data, 40 GB hotspot, streaming perks."]}, PHONES = {"orbit-x": ["Orbit X 5G", "$599", "6.4\" display, 128 GB"], "pebble-2": ["Pebble 2", "$299", "Compact and tough, 64 GB"], "lumen-fold": ["Arc Fold", "$1,199", "Folding 7.6\" display, 256 GB"]}, ARTICLES = {"pay-bill": ["How to pay your bill", "Pay online under Account \u203a Billing, set up AutoPay to save $5 a month, or pay in any Nimbus store."], "esim": ["Set up eSIM", "Open Settings \u203a Cellular \u203a Add eSIM on your phone and scan the QR code from your order email."], "roaming": ["Travel and roaming", "Unlimited plans include texting in 200+ destinations. Day passes are $10 per day."], "apn": ["Fix mobile data (APN settings)", "Set the APN to nimbus.data and restart your phone."]}, NEWS = {"esim": ["eSIM activation now instant", "Activate a new line in minutes from your phone."], "coverage-expansion": ["5G now in 40 more towns", "Our network expanded across the Midwest."]};
  var app = document.getElementById('app');

  function toast(msg) {
    var t = document.createElement('div');
    t.className = 'toast'; t.setAttribute('role', 'status'); t.textContent = msg;
    document.body.appendChild(t);
    setTimeout(function () { t.remove(); }, 800);
  }

  var views = {
    home: function () {
      return '<div class="banner"><b>Unlimited 5G for $35/mo</b>Bring your phone, keep your number.</div>' +
        '<section class="card"><div class="section-title"><h2>Deals for you</h2></div>' +
        '<a class="product" href="/plans/unlimited-plus">Unlimited Plus: first month free</a><br>' +
        '<a href="/shop/phones/orbit-x">Orbit X 5G: $10/mo off with a new line</a></section>' +
        '<section class="card"><h2>Network status</h2><p>All systems normal in most areas.</p>' +
        '<a href="/coverage">Check coverage</a></section>' +
        '<section class="card"><h2>Nimbus for Business</h2><p>Plans for teams of 5 to 500.</p>' +
        '<a class="btn ghost" href="/business">Contact sales</a></section>' +
        '<section class="card news"><h2>What\'s new</h2>' +
        Object.keys(NEWS).map(function (k) {
          return '<a href="/news/' + k + '">' + NEWS[k][0] + '<small>Nimbus newsroom</small></a>';
        }).join('') + '</section>' +
        '<footer class="site"><a href="/about">About</a><a href="/privacy">Privacy</a>' +
        '<a href="/business">Contact sales</a><p>© Nimbus Mobile (fictional)</p></footer>';
    },
    plans: function () {
      return '<section class="card"><h1>Plans</h1>' + Object.keys(PLANS).map(function (k) {
        var p = PLANS[k];
        return '<div class="plan"><h2>' + p[0] + '</h2><p class="price">' + p[1] + '</p><p>' + p[2] +
          '</p><a href="/plans/' + k + '">Plan details</a> · ' +
          '<button type="button" class="btn" data-toast="Sign in to switch plans">Choose</button></div>';
      }).join('') + '</section>';
    },
    plan: function (id) {
      var p = PLANS[id];
      if (!p) return views.notfound();
      return '<section class="article"><h1>' + p[0] + '</h1><p class="price">' + p[1] + '</p><p>' +
        p[2] + '</p><p class="muted">Taxes and fees extra. Prices are fictional.</p>' +
        '<button type="button" class="btn block" data-toast="Sign in to switch plans">Switch to this plan</button>' +
        '<a href="/plans">All plans</a></section>';
    },
    shop: function () {
      return '<section class="card"><h1>Phones</h1><ul class="list">' + Object.keys(PHONES).map(function (k) {
        return '<li><a href="/shop/phones/' + k + '">' + PHONES[k][0] + ' · ' + PHONES[k][1] + '</a></li>';
      }).join('') + '</ul></section>';
    },
    phone: function (id) {
      var p = PHONES[id];
      if (!p) return views.notfound();
      return '<section class="article"><h1>' + p[0] + '</h1><p class="price">' + p[1] + '</p><p>' + p[2] +
        '</p><button type="button" class="btn block" data-toast="Added to cart">Add to cart</button>' +
        '<a href="/shop">Back to phones</a></section>';
    },
    coverage: function () {
      return '<section class="card"><h1>Coverage map</h1><div style="height:160px;border-radius:12px;' +
        'background:linear-gradient(135deg,#cfe9e9,#8fd1cf)"></div>' +
        '<label class="field"><span>ZIP code</span><input inputmode="numeric" placeholder="e.g. 60601"></label>' +
        '<button type="button" class="btn" data-toast="Great coverage in this area">Check</button></section>';
    },
    business: function () {
      return '<section class="article"><h1>Nimbus for Business</h1><p>Shared data, device management ' +
        'and priority network access for your team.</p><h2>Contact sales</h2>' +
        '<p>Talk to our sales team about a quote: <a class="tel" href="tel:+18885550199">1-888-555-0199</a></p>' +
        '<p class="muted">Sales hours: Mon–Fri 8am–6pm CT. For help with an existing line, go to Support.</p>' +
        '</section>';
    },
    account: function () {
      return '<section class="card"><h1>Sign in</h1><form method="post" action="/account/sign-in">' +
        '<label class="field"><span>Email or phone number</span><input name="user" autocomplete="username"></label>' +
        '<label class="field"><span>Password</span><input type="password" name="pw"></label>' +
        '<button class="btn block" type="submit" data-contact-start="submit">Sign in</button></form>' +
        '<p class="muted">New to Nimbus? <a href="/plans">See plans</a></p></section>';
    },
    support: function () {
      return '<section class="card"><h1>Support</h1>' +
        '<div role="tablist" aria-label="Support">' +
        '<button type="button" role="tab" id="tab-help" aria-controls="panel-help" aria-selected="true">Help topics</button>' +
        '<button type="button" role="tab" id="tab-contact" aria-controls="panel-contact" aria-selected="false" tabindex="-1">Contact</button>' +
        '<button type="button" role="tab" id="tab-outage" aria-controls="panel-outage" aria-selected="false" tabindex="-1">Outages</button>' +
        '</div>' +
        '<div role="tabpanel" id="panel-help" aria-labelledby="tab-help"><ul class="list">' +
        Object.keys(ARTICLES).map(function (k) {
          return '<li><a href="/support/articles/' + k + '">' + ARTICLES[k][0] + '</a></li>';
        }).join('') + '</ul></div>' +
        '<div role="tabpanel" id="panel-contact" aria-labelledby="tab-contact" hidden>' +
        '<label class="field"><span>Choose a topic</span><select id="topic">' +
        '<option value="">Select a topic…</option><option value="billing">Billing</option>' +
        '<option value="tech">Technical support</option><option value="move">Moving or new service</option>' +
        '<option value="other">Something else</option></select></label>' +
        '<div id="topic-billing" class="topic-box" hidden>' +
        '<p><b>Billing help</b> · Agents available 7am–11pm CT, every day.</p>' +
        '<button type="button" class="btn connect" data-contact-start="live-chat" data-busy="Connecting…">Chat with a billing agent</button>' +
        '<button type="button" class="btn ghost callback" data-contact-start="callback" data-busy="Callback requested">Request a callback</button>' +
        '<p>Or call us: <a class="tel" href="tel:+18885550142">1-888-555-0142</a></p></div>' +
        '<form id="topic-form" class="topic-box" method="post" action="/support/message" hidden>' +
        '<h2>Send us a message</h2>' +
        '<label class="field"><span>Tell us what is going on</span><textarea name="message"></textarea></label>' +
        '<label class="field"><span>Email for our reply</span><input type="email" name="email"></label>' +
        '<button class="btn" type="submit" data-contact-start="submit">Send message</button>' +
        '<p class="muted">We reply within 2 business days.</p></form></div>' +
        '<div role="tabpanel" id="panel-outage" aria-labelledby="tab-outage" hidden>' +
        '<p>No known outages near you.</p><a href="/coverage">Check another area</a></div></section>';
    },
    article: function (id) {
      var a = ARTICLES[id];
      if (!a) return views.notfound();
      return '<section class="article"><h1>' + a[0] + '</h1><p>' + a[1] + '</p>' +
        '<p class="muted">Was this helpful?</p>' +
        '<button type="button" class="btn ghost" data-toast="Thanks for your feedback">Yes</button> ' +
        '<button type="button" class="btn ghost" data-toast="Thanks for your feedback">No</button>' +
        '<p><a href="/support">Back to Support</a></p></section>';
    },
    news: function (id) {
      var n = NEWS[id];
      if (!n) return views.notfound();
      return '<section class="article"><h1>' + n[0] + '</h1><p>' + n[1] + '</p><a href="/">Home</a></section>';
    },
    about: function () {
      return '<section class="article"><h1>About Nimbus</h1><p>Nimbus Mobile is a fictional ' +
        'wireless carrier used for testing. We run on a nationwide 5G network.</p></section>';
    },
    privacy: function () {
      return '<section class="article"><h1>Privacy</h1><p>We collect only what we need to run ' +
        'your service. Manage your choices under Account.</p></section>';
    },
    notfound: function () {
      return '<section class="article"><h1>Page not found</h1><a href="/">Go home</a></section>';
    }
  };

  function route(path) {
    var m;
    if (path === '/' || path === '/index.html') return ['Home', views.home(), '/'];
    if (path === '/plans') return ['Plans', views.plans(), '/plans'];
    if ((m = path.match(/^\/plans\/([\w-]+)$/))) return ['Plan', views.plan(m[1]), '/plans'];
    if (path === '/shop') return ['Shop', views.shop(), '/shop'];
    if ((m = path.match(/^\/shop\/phones\/([\w-]+)$/))) return ['Phone', views.phone(m[1]), '/shop'];
    if (path === '/coverage') return ['Coverage', views.coverage(), ''];
    if (path === '/business') return ['Business', views.business(), ''];
    if (path === '/account') return ['Account', views.account(), '/account'];
    if (path === '/support') return ['Support', views.support(), '/support'];
    if ((m = path.match(/^\/support\/articles\/([\w-]+)$/))) return ['Support', views.article(m[1]), '/support'];
    if ((m = path.match(/^\/news\/([\w-]+)$/))) return ['News', views.news(m[1]), ''];
    if (path === '/about') return ['About', views.about(), ''];
    if (path === '/privacy') return ['Privacy', views.privacy(), ''];
    return ['Not found', views.notfound(), ''];
  }

  var pending = 0;
  function render() {
    var token = ++pending;
    app.innerHTML = '<p class="loading">Loading…</p>';
    setTimeout(function () {   // views are "fetched": they arrive a moment later
      if (token !== pending) return;
      var r = route(location.pathname.replace(/\/+$/, '') || '/');
      document.title = r[0] + ' · Nimbus Mobile';
      app.innerHTML = r[1];
      document.querySelectorAll('.nav-icons button').forEach(function (b) {
        if (b.getAttribute('data-href') === r[2]) b.setAttribute('aria-current', 'page');
        else b.removeAttribute('aria-current');
      });
      wire();
      window.scrollTo(0, 0);
    }, 150);
  }

  function go(href) {
    if (href === location.pathname) return;
    history.pushState({}, '', href);
    render();
  }

  function wire() {
    app.querySelectorAll('[role=tablist]').forEach(function (list) {
      var tabs = list.querySelectorAll('[role=tab]');
      tabs.forEach(function (tab) {
        tab.addEventListener('click', function () {
          tabs.forEach(function (t) {
            var on = t === tab;
            t.setAttribute('aria-selected', on ? 'true' : 'false');
            t.tabIndex = on ? 0 : -1;
            document.getElementById(t.getAttribute('aria-controls')).hidden = !on;
          });
        });
      });
    });
    var topic = document.getElementById('topic');
    if (topic) topic.addEventListener('change', function () {
      document.getElementById('topic-billing').hidden = topic.value !== 'billing';
      document.getElementById('topic-form').hidden = topic.value === 'billing' || topic.value === '';
    });
    app.querySelectorAll('[data-busy]').forEach(function (b) {
      b.addEventListener('click', function () {
        b.textContent = b.getAttribute('data-busy');
        b.disabled = true;
      });
    });
  }

  document.addEventListener('click', function (e) {
    var t = e.target.closest('[data-toast]');
    if (t) { e.preventDefault(); toast(t.getAttribute('data-toast')); return; }
    var nav = e.target.closest('.nav-icons button');
    if (nav) { go(nav.getAttribute('data-href')); return; }
    var a = e.target.closest('a[href]');
    if (!a || a.target || e.defaultPrevented || e.metaKey || e.ctrlKey) return;
    var url = new URL(a.href, location.href);
    if (url.origin !== location.origin) return;
    e.preventDefault();
    go(url.pathname);
  });
  window.addEventListener('popstate', render);
  render();
})();
