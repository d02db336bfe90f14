
(function () {
  'use strict';
  var SCRIPT = {"start": "hello", "typing": "Lumi is typing…", "busy": "Connecting…", "nodes": {"hello": {"say": ["Hi! I'm Lumi, Lumen's virtual assistant. What can I help you with?"], "options": [["Reset my password", "pw"], ["Update payment method", "pay"], ["Playback problems", "play"], ["Something else", "teams"], ["Talk to someone", "gate"]]}, "pw": {"say": ["Tap <b>Forgot password?</b> on the sign-in page and we'll email you a reset link."], "options": [["Playback problems", "play"], ["Something else", "teams"]]}, "pay": {"say": ["Go to Profile › Account › Payment to change your card. Changes apply to your next bill."], "options": [["Playback problems", "play"], ["Something else", "teams"]]}, "play": {"say": ["Try restarting the app and checking your connection. Lumen needs at least 5 Mbps for HD."], "options": [["Reset my password", "pw"], ["Something else", "teams"]]}, "gate": {"say": ["Happy to get you to the right people. First, which team should handle this?"], "options": [["Billing & plans", "agent"], ["Streaming & devices", "agent"], ["Account & privacy", "agent"]]}, "teams": {"say": ["No problem. Which team should handle this?"], "options": [["Billing & plans", "agent"], ["Streaming & devices", "agent"], ["Account & privacy", "agent"]]}, "agent": {"say": ["Our agents can help with that. Agents are online 24/7 and usually reply within 2 minutes."], "connect": "Talk to an agent", "options": [["Back to start", "hello"]]}}};
  var STYLE =
    ':host{all:initial;font:15px/1.5 -apple-system,"Segoe UI",Roboto,sans-serif}' +
    '.launcher{position:fixed;right:16px;bottom:84px;z-index:50;width:54px;height:54px;border-radius:50%;' +
    'border:0;background:#7c5cff;color:#fff;box-shadow:0 4px 14px rgba(0,0,0,.4);cursor:pointer;' +
    'display:flex;align-items:center;justify-content:center}' +
    '.panel{position:fixed;left:8px;right:8px;bottom:8px;top:14%;z-index:60;background:#fff;color:#1d1b26;' +
    'border-radius:16px;display:flex;flex-direction:column;overflow:hidden;box-shadow:0 8px 30px rgba(0,0,0,.5)}' +
    '.panel[hidden]{display:none}' +
    'header{display:flex;align-items:center;padding:12px 14px;background:#7c5cff;color:#fff}' +
    'header b{flex:1}header button{background:none;border:0;color:#fff;cursor:pointer;width:32px;height:32px}' +
    '.bot-log{flex:1;overflow:auto;padding:12px;background:#f5f4fa}' +
    '.msg{max-width:82%;margin:6px 0;padding:8px 12px;border-radius:12px;background:#fff}' +
    '.msg.me{margin-left:auto;background:#7c5cff;color:#fff}.msg.typing{color:#888;font-style:italic}' +
    '.bot-opts{display:flex;flex-wrap:wrap;gap:6px;margin:4px 0 10px}' +
    '.bot-opts button{border:1px solid #7c5cff;color:#7c5cff;background:#fff;border-radius:16px;' +
    'padding:6px 12px;font:inherit;font-size:14px;cursor:pointer}' +
    '.bot-opts button.connect{background:#7c5cff;color:#fff}';
  var ICON = '<svg width="26" height="26" viewBox="0 0 24 24" fill="none" stroke="currentColor" ' +
    'stroke-width="1.8" aria-hidden="true"><path d="M4 5h16v11H9l-5 4z"/></svg>';

  class LumenHelp extends HTMLElement {
    connectedCallback() {
      if (this.shadowRoot) return;
      var root = this.attachShadow({ mode: 'open' });
      root.innerHTML = '<style>' + STYLE + '</style>' +
        '<button class="launcher" type="button" aria-label="Open help chat" aria-expanded="false">' + ICON + '</button>' +
        '<section class="panel" hidden role="dialog" aria-label="Lumen Help">' +
        '<header><b>Lumen Help</b><button type="button" class="close" aria-label="Close chat">✕</button></header>' +
        '<div class="bot-log" role="log" aria-live="polite"></div></section>';
      var panel = root.querySelector('.panel');
      var launcher = root.querySelector('.launcher');
      var bot = new HC.Bot(panel, SCRIPT);
      launcher.addEventListener('click', function () {
        panel.hidden = false;
        launcher.hidden = true;
        launcher.setAttribute('aria-expanded', 'true');
        bot.start();
      });
      root.querySelector('.close').addEventListener('click', function () {
        panel.hidden = true;
        launcher.hidden = false;
        launcher.setAttribute('aria-expanded', 'false');
      });
    }
  }
  customElements.define('lumen-help', LumenHelp);
})();
