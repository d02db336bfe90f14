
(function () {
  'use strict';
  var W = window;

  function toast(msg, root) {
    var t = document.createElement('div');
    t.className = 'toast';
    t.setAttribute('role', 'status');
    t.textContent = msg;
    (root || document.body).appendChild(t);
    setTimeout(function () { t.remove(); }, 800);
  }

  function initToasts(root) {
    root.addEventListener('click', function (e) {
      var el = e.target.closest && e.target.closest('[data-toast]');
      if (el) { e.preventDefault(); toast(el.getAttribute('data-toast'), root === document ? null : root); }
    });
  }

  function initTabs(root) {
    root.querySelectorAll('[role=tablist]').forEach(function (list) {
      var tabs = list.querySelectorAll('[role=tab]');
      tabs.forEach(function (tab) {
        tab.addEventListener('click', function () {
          tabs.forEach(function (t) {
            var on = t === tab;
            t.setAttribute('aria-selected', on ? 'true' : 'false');
            t.tabIndex = on ? 0 : -1;
            var panel = root.querySelector('#' + t.getAttribute('aria-controls'));
            if (panel) panel.hidden = !on;
          });
        });
      });
    });
  }

  function initAccordions(root) {
    root.querySelectorAll('button.acc-btn[aria-controls]').forEach(function (btn) {
      btn.addEventListener('click', function () {
        var open = btn.getAttribute('aria-expanded') === 'true';
        btn.setAttribute('aria-expanded', open ? 'false' : 'true');
        var panel = root.querySelector('#' + btn.getAttribute('aria-controls'));
        if (panel) panel.hidden = open;
      });
    });
  }

  /* Chatbot engine: script = {start, delay, typing, busy, nodes: {id: {say: [html], options:
     [[label, next]], connect: label, link: [label, href]}}, bar: [[label, next]]} */
  function Bot(panel, script) {
    this.panel = panel;
    this.script = script;
    this.log = panel.querySelector('.bot-log');
    this.started = false;
    var self = this;
    var bar = panel.querySelector('.bot-bar');
    if (bar && script.bar) {
      script.bar.forEach(function (o) {
        var b = document.createElement('button');
        b.type = 'button';
        b.textContent = o[0];
        b.addEventListener('click', function () { self.choose(o[0], o[1]); });
        bar.appendChild(b);
      });
    }
  }
  Bot.prototype.start = function () {
    if (this.started) return;
    this.started = true;
    this.reply(this.script.start);
  };
  Bot.prototype.bubble = function (cls, html) {
    var d = document.createElement('div');
    d.className = 'msg ' + cls;
    d.innerHTML = html;
    this.log.appendChild(d);
    this.log.scrollTop = this.log.scrollHeight;
    return d;
  };
  Bot.prototype.reply = function (id) {
    var self = this;
    var typing = this.bubble('typing', this.script.typing || '正在输入…');
    setTimeout(function () {
      typing.remove();
      self.render(self.script.nodes[id]);
    }, this.script.delay || 300);
  };
  Bot.prototype.choose = function (label, next) {
    this.log.querySelectorAll('.bot-opts').forEach(function (o) { o.remove(); });
    var me = this.bubble('me', '');
    me.textContent = label;
    this.reply(next);
  };
  Bot.prototype.render = function (node) {
    var self = this;
    node.say.forEach(function (html) { self.bubble('from-bot', html); });
    var opts = document.createElement('div');
    opts.className = 'bot-opts';
    if (node.connect) {
      var c = document.createElement('button');
      c.type = 'button';
      c.className = 'connect';
      c.setAttribute('data-contact-start', 'live-chat');
      c.textContent = node.connect;
      c.addEventListener('click', function () {
        c.textContent = self.script.busy || '排队中…';
        c.disabled = true;
      });
      opts.appendChild(c);
    }
    if (node.link) {
      var a = document.createElement('a');
      a.className = 'btn';
      a.href = node.link[1];
      a.textContent = node.link[0];
      opts.appendChild(a);
    }
    (node.options || []).forEach(function (o) {
      var b = document.createElement('button');
      b.type = 'button';
      b.textContent = o[0];
      b.addEventListener('click', function () { self.choose(o[0], o[1]); });
      opts.appendChild(b);
    });
    if (opts.children.length) this.log.appendChild(opts);
    this.log.scrollTop = this.log.scrollHeight;
  };

  function initBots(root, scripts) {
    root.querySelectorAll('[data-bot]').forEach(function (panel) {
      var script = scripts[panel.getAttribute('data-bot')];
      if (!script) return;
      var bot = new Bot(panel, script);
      if (panel.hasAttribute('data-bot-autostart')) bot.start();
      root.querySelectorAll('[data-bot-open="' + panel.id + '"]').forEach(function (b) {
        b.addEventListener('click', function () {
          panel.hidden = false;
          b.setAttribute('aria-expanded', 'true');
          bot.start();
        });
      });
      panel.querySelectorAll('[data-bot-close]').forEach(function (b) {
        b.addEventListener('click', function () { panel.hidden = true; });
      });
    });
  }

  W.HC = { toast: toast, initToasts: initToasts, initTabs: initTabs,
    initAccordions: initAccordions, initBots: initBots, Bot: Bot };
})();

(function () {
  HC.initToasts(document);
  HC.initTabs(document);
  HC.initAccordions(document);

  // hamburger drawer
  var body = document.body;
  document.querySelectorAll('[data-drawer-toggle]').forEach(function (b) {
    b.addEventListener('click', function () {
      var open = !body.classList.contains('drawer-open');
      body.classList.toggle('drawer-open', open);
      document.querySelectorAll('[data-drawer-toggle][aria-expanded]').forEach(function (x) {
        x.setAttribute('aria-expanded', open ? 'true' : 'false');
      });
    });
  });

  // privacy consent: blocking until accepted, remembered in localStorage
  var KEY = 'fl_privacy_consent';
  if (localStorage.getItem(KEY) !== 'yes') {
    var app = document.querySelector('.app');
    if (app) app.setAttribute('inert', '');
    var mask = document.createElement('div');
    mask.className = 'mask';
    mask.id = 'privacy-mask';
    mask.innerHTML =
      '<div class="dialog consent" role="dialog" aria-modal="true" aria-labelledby="pc-title">' +
      '<h2 id="pc-title">个人信息保护提示</h2>' +
      '<p>欢迎使用风旅出行！我们依据《风旅出行隐私政策》收集和使用您的个人信息，用于为您提供机票、' +
      '酒店预订等服务。请您在使用前仔细阅读并充分理解。</p>' +
      '<p class="muted" id="pc-note">点击“同意并继续”即表示您已阅读并同意上述政策。</p>' +
      '<div class="btns"><button type="button" class="btn ghost" id="pc-no">不同意</button>' +
      '<button type="button" class="btn" id="pc-yes">同意并继续</button></div></div>';
    document.body.appendChild(mask);
    document.getElementById('pc-yes').addEventListener('click', function () {
      localStorage.setItem(KEY, 'yes');
      mask.remove();
      if (app) app.removeAttribute('inert');
    });
    document.getElementById('pc-no').addEventListener('click', function () {
      document.getElementById('pc-note').textContent =
        '不同意隐私政策将无法使用风旅出行的服务，您可以再次阅读后选择同意。';
    });
  }
})();
