
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
  HC.initBots(document, { xiaobei: {"start": "hello", "typing": "小贝正在输入…", "busy": "排队中，请稍候…", "bar": [["人工客服", "gate"]], "nodes": {"hello": {"say": ["您好，我是海贝智能客服小贝～请选择您要咨询的问题类型："], "options": [["订单与物流", "order"], ["退换货与售后", "after"], ["支付与优惠", "pay"], ["账户与安全", "account"]]}, "order": {"say": ["订单发货后可在「我的 › 我的订单」查看物流进度。一般下单后 48 小时内发货。"], "options": [["退换货与售后", "after"], ["支付与优惠", "pay"]]}, "after": {"say": ["签收 7 天内支持无理由退货。请在订单详情中点击「申请售后」，按提示寄回商品即可。"], "options": [["订单与物流", "order"], ["支付与优惠", "pay"]]}, "pay": {"say": ["优惠券在结算页自动抵扣；支付失败请检查银行卡余额或更换支付方式。"], "options": [["订单与物流", "order"], ["账户与安全", "account"]]}, "account": {"say": ["忘记密码可在登录页通过短信验证码重置。"], "options": [["订单与物流", "order"], ["支付与优惠", "pay"]]}, "gate": {"say": ["为了给您分配合适的客服专员，请问您遇到的是哪类问题？"], "options": [["订单问题", "desk"], ["售后问题", "desk"], ["其他问题", "desk"]]}, "desk": {"say": ["已为您分配客服专员。<span class=\"queue\">当前排队 9 人</span>，预计等待约 4 分钟。", "人工服务时间 9:00-21:00"], "connect": "接入人工客服"}}} });

  // bottom sheet (merchant contact)
  document.querySelectorAll('[data-sheet]').forEach(function (b) {
    b.addEventListener('click', function () {
      document.getElementById(b.getAttribute('data-sheet')).hidden = false;
    });
  });
  document.querySelectorAll('[data-sheet-close]').forEach(function (b) {
    b.addEventListener('click', function () { b.closest('.sheet').hidden = true; });
  });

  // customer-service chat in an iframe, loaded when opened
  var open = document.getElementById('open-chat');
  if (open) {
    open.addEventListener('click', function () {
      var sheet = document.getElementById('chat-sheet');
      var frame = sheet.querySelector('iframe');
      if (!frame.getAttribute('src')) frame.setAttribute('src', frame.getAttribute('data-src'));
      sheet.hidden = false;
    });
    document.getElementById('close-chat').addEventListener('click', function () {
      document.getElementById('chat-sheet').hidden = true;
    });
  }
})();
