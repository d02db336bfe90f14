
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
  HC.initBots(document, { xiaoyu: {"start": "hello", "typing": "小宇輸入中…", "busy": "等候轉接中…", "nodes": {"hello": {"say": ["您好，我是台宇航空智慧客服小宇，請問需要什麼協助？"], "options": [["查詢訂位", "pnr"], ["行李規定", "bag"], ["退改票", "refund"], ["人工服務", "gate"]]}, "pnr": {"say": ["請至「行程管理」輸入訂位代號與姓氏，即可查詢與管理您的訂位。"], "options": [["行李規定", "bag"], ["退改票", "refund"], ["人工服務", "gate"]]}, "bag": {"say": ["經濟艙免費託運行李為 23 公斤 1 件，手提行李 7 公斤 1 件。"], "options": [["查詢訂位", "pnr"], ["退改票", "refund"], ["人工服務", "gate"]]}, "refund": {"say": ["退改票規定依票價種類而定，請於「行程管理」查看您機票的規定。"], "options": [["查詢訂位", "pnr"], ["行李規定", "bag"], ["人工服務", "gate"]]}, "gate": {"say": ["好的，請先選擇您的問題類別："], "options": [["訂位與票務", "cat_pnr"], ["行李與報到", "cat_bag"], ["其他問題", "desk"]]}, "cat_pnr": {"say": ["訂位與票務問題大多可於「行程管理」自助處理，請先輸入訂位代號查詢。"], "options": [["行李與報到", "cat_bag"], ["其他問題", "desk"]]}, "cat_bag": {"say": ["行李與報到相關規定請參考「更多 › 行李規定」。"], "options": [["訂位與票務", "cat_pnr"], ["其他問題", "desk"]]}, "desk": {"say": ["好的，以下為真人客服專區，服務時間為每日 07:00-22:00。"], "connect": "轉接真人客服"}}} });

  // blocking "download the app" prompt, once per browser session
  var KEY = 'ty_app_prompt_dismissed';
  if (sessionStorage.getItem(KEY) !== '1') {
    var app = document.querySelector('.app');
    if (app) app.setAttribute('inert', '');
    var mask = document.createElement('div');
    mask.className = 'mask app-prompt';
    mask.innerHTML =
      '<div class="dialog sheet" role="dialog" aria-modal="true" aria-labelledby="ap-title">' +
      '<div class="logo">TY</div><h2 id="ap-title">下載台宇航空 App</h2>' +
      '<p>訂位、選位、線上報到更快速，還能即時收到航班異動通知。</p>' +
      '<a class="btn block" href="/app.html">立即下載</a>' +
      '<button type="button" class="btn ghost block" id="ap-web">繼續使用網頁版</button></div>';
    document.body.appendChild(mask);
    document.getElementById('ap-web').addEventListener('click', function () {
      sessionStorage.setItem(KEY, '1');
      mask.remove();
      if (app) app.removeAttribute('inert');
    });
  }
})();
