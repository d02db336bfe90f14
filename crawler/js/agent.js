// Injected into every frame before the page's own scripts (page.add_init_script).
// It answers three questions for the crawler: has the page settled, what does the user
// see (visible text blocks and the controls a user could tap), and which element is a
// recorded action's target. Everything lives under one non-enumerable global.
(() => {
  if (window.__reach) return;
  const state = { fetches: 0, timers: new Map(), lastMutation: performance.now(), clickable: new WeakSet() };
  const SHORT_TIMER_MS = 2000;

  // --- settle tracking: pending fetch/XHR, short timers, DOM mutations, finite animations ---
  const origSetTimeout = window.setTimeout, origClearTimeout = window.clearTimeout;
  window.setTimeout = function (fn, delay, ...rest) {
    const d = Number(delay) || 0;
    let id;
    const wrapped = typeof fn === 'function' ? function () { state.timers.delete(id); return fn.apply(this, arguments); } : fn;
    id = origSetTimeout.call(window, wrapped, delay, ...rest);
    if (d <= SHORT_TIMER_MS && typeof fn === 'function') state.timers.set(id, performance.now() + d);
    return id;
  };
  window.clearTimeout = function (id) { state.timers.delete(id); return origClearTimeout.call(window, id); };
  if (window.fetch) {
    const origFetch = window.fetch;
    window.fetch = function () {
      state.fetches++;
      const done = () => { state.fetches = Math.max(0, state.fetches - 1); };
      try { const p = origFetch.apply(this, arguments); p.then(done, done); return p; } catch (e) { done(); throw e; }
    };
  }
  const origSend = XMLHttpRequest.prototype.send;
  XMLHttpRequest.prototype.send = function () {
    state.fetches++;
    this.addEventListener('loadend', () => { state.fetches = Math.max(0, state.fetches - 1); }, { once: true });
    return origSend.apply(this, arguments);
  };
  // remember elements that got a click-like listener: they are tappable even without a role
  const CLICKY = new Set(['click', 'mousedown', 'mouseup', 'pointerdown', 'pointerup', 'touchstart', 'touchend', 'tap']);
  const HOVERY = new Set(['mouseenter', 'mouseover', 'pointerenter', 'pointerover']);
  state.hoverable = new WeakSet();
  state.scrollListeners = 0;
  const origAdd = EventTarget.prototype.addEventListener;
  EventTarget.prototype.addEventListener = function (type, listener, opts) {
    try {
      if (CLICKY.has(type) && this instanceof Element) state.clickable.add(this);
      if (HOVERY.has(type) && this instanceof Element) state.hoverable.add(this);
      if ((type === 'scroll' || type === 'wheel') && (this === window || this === document)) state.scrollListeners++;
    } catch (e) { /* ignore */ }
    return origAdd.call(this, type, listener, opts);
  };
  // Content rendered when scrolled into view: remember what IntersectionObservers watch and
  // which of those targets have been seen, so the crawler scrolls only where it matters.
  state.ioTargets = new Set();
  state.ioSeen = new WeakSet();
  if (window.IntersectionObserver) {
    const OrigIO = window.IntersectionObserver;
    const Wrapped = function (callback, options) {
      const wrapped = (entries, obs) => {
        try { for (const e of entries) if (e.isIntersecting) state.ioSeen.add(e.target); } catch (err) { /* ignore */ }
        return callback(entries, obs);
      };
      const io = new OrigIO(wrapped, options);
      const observe = io.observe.bind(io);
      io.observe = (t) => { try { if (state.ioTargets.size < 5000) state.ioTargets.add(t); } catch (err) { /* ignore */ } return observe(t); };
      return io;
    };
    Wrapped.prototype = OrigIO.prototype;
    window.IntersectionObserver = Wrapped;
  }
  const observer = new MutationObserver(() => { state.lastMutation = performance.now(); });
  const observe = (root) => { try { observer.observe(root, { subtree: true, childList: true, attributes: true, characterData: true }); } catch (e) { /* ignore */ } };
  observe(document);
  const origAttach = Element.prototype.attachShadow;
  Element.prototype.attachShadow = function (init) {
    const root = origAttach.call(this, init);
    observe(root);
    return root;
  };

  function pendingTimers() {
    const now = performance.now();
    let n = 0;
    for (const [id, due] of state.timers) { if (due < now - 5000) state.timers.delete(id); else n++; }
    return n;
  }
  function runningAnimations() {
    try {
      return document.getAnimations().filter((a) => {
        if (a.playState !== 'running') return false;
        const t = a.effect && a.effect.getComputedTiming ? a.effect.getComputedTiming() : null;
        return t && Number.isFinite(t.endTime) && t.endTime < 5000;
      }).length;
    } catch (e) { return 0; }
  }
  // A navigation that has begun (location.href = ..., a form, a link) but not yet replaced the
  // document: the page is not settled, whatever its DOM does meanwhile.
  state.unloading = 0;
  origAdd.call(window, 'beforeunload', () => { state.unloading = performance.now(); }, true);
  function waitSettled(quietMs, maxMs) {
    const start = performance.now();
    return new Promise((resolve) => {
      const tick = () => {
        const now = performance.now();
        const leaving = state.unloading && now - state.unloading < maxMs ? 1 : 0;
        const busy = state.fetches + pendingTimers() + runningAnimations() + leaving;
        const quiet = now - state.lastMutation >= quietMs;
        if ((!busy && quiet && document.readyState !== 'loading') || now - start > maxMs) {
          resolve({ settled: now - start <= maxMs, waited: Math.round(now - start) });
        } else origSetTimeout.call(window, tick, 16);
      };
      tick();
    });
  }

  // --- what the user sees ---
  // Strings for Python must be well-formed UTF-16: a lone surrogate (half an emoji, made by page
  // JavaScript or by a cut) cannot be encoded there. cut() never splits a surrogate pair.
  const LONE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
  const wellFormed = (s) => String(s || '').replace(LONE, '\uFFFD');
  const cut = (s, n) => { s = wellFormed(s); return s.length <= n ? s : s.slice(0, /[\uD800-\uDBFF]/.test(s[n - 1]) ? n - 1 : n); };
  const norm = (s) => wellFormed(s).replace(/[\s\u00a0\u200b]+/g, ' ').trim();
  const INLINE = /^(inline|contents)/;
  const INTERACTIVE_ROLES = new Set(['button', 'link', 'tab', 'menuitem', 'menuitemradio', 'menuitemcheckbox', 'option', 'switch', 'treeitem', 'checkbox', 'radio']);
  const HEADING = /^(H[1-6]|SUMMARY|LEGEND|DT|TH|CAPTION)$/;

  function kids(node) {
    if (node.shadowRoot) return Array.from(node.shadowRoot.childNodes);
    if (node.tagName === 'SLOT') {
      const a = node.assignedNodes({ flatten: true });
      return a.length ? a : Array.from(node.childNodes);
    }
    return Array.from(node.childNodes);
  }
  function parentOf(el) {
    if (el.assignedSlot) return el.assignedSlot;
    if (el.parentElement) return el.parentElement;
    const r = el.getRootNode();
    return r && r.host ? r.host : null;
  }
  // Per-snapshot caches: styles and the clip box of each ancestor are computed once.
  let cache = null;
  function styleOf(el) {
    if (!cache) return getComputedStyle(el);
    let st = cache.style.get(el);
    if (!st) { st = getComputedStyle(el); cache.style.set(el, st); }
    return st;
  }
  function rendered(el) {
    if (el.checkVisibility) return el.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true });
    const s = styleOf(el);
    return s.display !== 'none' && s.visibility !== 'hidden' && s.opacity !== '0';
  }
  // The box that ancestors of `el` (inclusive) clip their content to, and whether one is fixed.
  const NO_CLIP = { left: -Infinity, top: -Infinity, right: Infinity, bottom: Infinity, fixed: false };
  function clipOf(el) {
    if (!el || el.nodeType !== 1 || el === document.documentElement) return NO_CLIP;
    if (cache && cache.clip.has(el)) return cache.clip.get(el);
    const up = clipOf(parentOf(el));
    let out = up;
    if (el.tagName !== 'SLOT') {
      const s = styleOf(el);
      const cx = s.overflowX === 'hidden' || s.overflowX === 'clip';
      const cy = s.overflowY === 'hidden' || s.overflowY === 'clip';
      const fixed = up.fixed || s.position === 'fixed';
      if (cx || cy) {
        const r = el.getBoundingClientRect();
        out = {
          left: cx ? Math.max(up.left, r.left) : up.left, right: cx ? Math.min(up.right, r.right) : up.right,
          top: cy ? Math.max(up.top, r.top) : up.top, bottom: cy ? Math.min(up.bottom, r.bottom) : up.bottom, fixed,
        };
      } else if (fixed !== up.fixed) out = { ...up, fixed };
    }
    if (cache) cache.clip.set(el, out);
    return out;
  }
  // Geometry: a box of zero area, clipped away by an overflow:hidden ancestor, or pushed
  // out of reach (fixed and off-viewport, or at negative document coordinates) is not seen.
  function onScreen(el) {
    const r = el.getBoundingClientRect();
    if (r.width < 2 || r.height < 2) return false;
    const c = clipOf(parentOf(el));
    const left = Math.max(r.left, c.left), right = Math.min(r.right, c.right);
    const top = Math.max(r.top, c.top), bottom = Math.min(r.bottom, c.bottom);
    if (right - left < 2 || bottom - top < 2) return false;
    const fixed = c.fixed || styleOf(el).position === 'fixed';
    if (fixed) {
      if (right <= 0 || bottom <= 0 || left >= innerWidth || top >= innerHeight) return false;
    } else if (right + scrollX <= 0 || bottom + scrollY <= 0) return false;
    return true;
  }
  function labelledBy(el) {
    const ids = (el.getAttribute('aria-labelledby') || '').split(/\s+/).filter(Boolean);
    const root = el.getRootNode();
    return norm(ids.map((id) => { const t = root.getElementById ? root.getElementById(id) : document.getElementById(id); return t ? t.textContent : ''; }).join(' '));
  }
  function deepText(el) {
    // visible text of a control, through its shadow root and slots
    let out = '';
    const walk = (n) => {
      if (n.nodeType === 3) { out += n.data; return; }
      if (n.nodeType !== 1) return;
      if (n.tagName === 'SCRIPT' || n.tagName === 'STYLE' || n.tagName === 'TEMPLATE') return;
      if (!rendered(n)) return;
      if (n.tagName === 'IMG' && n.alt) out += ' ' + n.alt + ' ';
      kids(n).forEach(walk);
      if (!INLINE.test(styleOf(n).display)) out += ' ';
    };
    kids(el).forEach(walk);
    return norm(out);
  }
  function iconName(el) {
    const t = el.querySelector && el.querySelector('svg title, img[alt], [aria-label]');
    if (!t) return '';
    if (t.tagName === 'IMG') return norm(t.alt);
    if (t.tagName && t.tagName.toLowerCase() === 'title') return norm(t.textContent);
    return norm(t.getAttribute('aria-label'));
  }
  function accessibleName(el) {
    const aria = norm(el.getAttribute('aria-label'));
    if (aria) return aria;
    const lb = el.getAttribute('aria-labelledby') ? labelledBy(el) : '';
    if (lb) return lb;
    const tag = el.tagName;
    if (tag === 'INPUT') return norm(el.value || el.getAttribute('alt') || el.getAttribute('title') || el.placeholder || '');
    if (tag === 'SELECT') {
      const lab = el.labels && el.labels[0] ? norm(el.labels[0].textContent) : '';
      return lab || norm(el.getAttribute('title') || '') || (el.options[0] ? norm(el.options[0].text) : '');
    }
    if (tag === 'IMG') return norm(el.alt || el.title);
    const text = deepText(el);
    if (text) return text;
    return norm(el.getAttribute('title') || '') || iconName(el);
  }

  function isInteractive(el, s) {
    const tag = el.tagName;
    if (tag === 'A' && el.hasAttribute('href')) return true;
    if (tag === 'BUTTON' || tag === 'SELECT') return true;
    if (tag === 'SUMMARY') return !!(el.parentElement && el.parentElement.tagName === 'DETAILS');
    if (tag === 'INPUT') return ['button', 'submit', 'reset', 'image', 'checkbox', 'radio'].includes((el.type || '').toLowerCase());
    const role = (el.getAttribute('role') || '').toLowerCase();
    if (INTERACTIVE_ROLES.has(role)) return true;
    if (el.hasAttribute('onclick') || typeof el.onclick === 'function') return true;
    // weak: only a listener or a pointer cursor says it is tappable
    if (state.clickable.has(el) && tag !== 'BODY' && tag !== 'HTML') return 'weak';
    if (s.cursor === 'pointer') {
      const p = parentOf(el);
      return (p && p.nodeType === 1 && styleOf(p).cursor === 'pointer') ? false : 'weak';
    }
    return false;
  }

  // Path of an element: one list of child indices per tree (document, then each shadow root).
  // Index and nth-of-type of every child of `p`, computed once per parent per snapshot
  // (a list of 5,000 links would otherwise cost 5,000 scans of 5,000 siblings).
  function sibInfo(p) {
    if (cache && cache.sib.has(p)) return cache.sib.get(p);
    const idx = new Map(), nth = new Map(), count = new Map();
    const ch = p.children || [];
    for (let i = 0; i < ch.length; i++) {
      const c = ch[i];
      const n = (count.get(c.tagName) || 0) + 1;
      idx.set(c, i); nth.set(c, n); count.set(c.tagName, n);
    }
    const info = { idx, nth, count };
    if (cache) cache.sib.set(p, info);
    return info;
  }
  function pathOf(el) {
    const segs = [];
    let node = el;
    while (node) {
      const seg = [];
      let root = node.getRootNode();
      let cur = node;
      while (cur && cur.parentNode && cur.parentNode !== root && cur.parentNode.nodeType === 1) {
        seg.unshift(sibInfo(cur.parentNode).idx.get(cur));
        cur = cur.parentNode;
      }
      // cur is a top-level element of its root
      const top = root.children ? (sibInfo(root).idx.get(cur) ?? 0) : 0;
      seg.unshift(top);
      segs.unshift(seg);
      node = root.host || null;
    }
    return segs;
  }
  function resolvePath(segs) {
    let root = document;
    let el = null;
    for (let i = 0; i < segs.length; i++) {
      if (i > 0) { if (!el || !el.shadowRoot) return null; root = el.shadowRoot; }
      let cur = root.children[segs[i][0]];
      for (let j = 1; j < segs[i].length && cur; j++) cur = cur.children[segs[i][j]];
      if (!cur) return null;
      el = cur;
    }
    return el;
  }
  function cssOf(el) {
    const parts = [];
    let node = el;
    while (node) {
      const seg = [];
      let cur = node;
      const root = node.getRootNode();
      while (cur && cur.nodeType === 1) {
        let s = cur.tagName.toLowerCase();
        if (cur.id && /^[A-Za-z][\w-]*$/.test(cur.id)) { seg.unshift(s + '#' + cur.id); break; }
        const p = cur.parentNode;
        if (p && p.children) {
          const info = sibInfo(p);
          if (info.count.get(cur.tagName) > 1) s += ':nth-of-type(' + info.nth.get(cur) + ')';
        }
        seg.unshift(s);
        if (!p || p === root || p.nodeType !== 1) break;
        cur = p;
      }
      parts.unshift(seg.join(' > '));
      node = root.host || null;
    }
    return parts.join(' >>> ');
  }

  function deepElementFromPoint(x, y) {
    let el = document.elementFromPoint(x, y);
    for (let i = 0; el && el.shadowRoot && i < 20; i++) {
      const inner = el.shadowRoot.elementFromPoint(x, y);
      if (!inner || inner === el) break;
      el = inner;
    }
    return el;
  }
  function fixedRoot(el) {
    let found = null;
    for (let a = el; a && a !== document.documentElement && a !== document.body; a = parentOf(a)) {
      if (a.nodeType === 1 && styleOf(a).position === 'fixed') found = a;
    }
    return found;
  }
  // When fixed layers cover the whole viewport (a modal and its mask, an open drawer),
  // only what is inside those layers can be tapped: scrolling will not reveal the rest.
  function coveringLayers() {
    const roots = new Set();
    const w = innerWidth, h = innerHeight;
    for (let i = 0; i < 5; i++) {
      for (let j = 0; j < 7; j++) {
        const x = (w * (i + 0.5)) / 5, y = (h * (j + 0.5)) / 7;
        const el = deepElementFromPoint(x, y);
        if (!el) return null;
        const r = fixedRoot(el);
        if (!r) return null;
        roots.add(r);
      }
    }
    return Array.from(roots);
  }
  function containsDeep(root, el) {
    for (let a = el; a; a = parentOf(a)) if (a === root) return true;
    return false;
  }

  // Chat transcripts grow with every message; what the user can do next depends on the
  // latest messages only, so older ones are left out of state identity.
  const TRANSCRIPT_CLASS = /(^|[-_\s])(log|messages?|transcript|conversation|chat-?(body|history|list|log|messages))([-_\s]|$)/i;
  const RECENT_MESSAGES = 2;
  function isTranscript(el) {
    const role = (el.getAttribute('role') || '').toLowerCase();
    if (role === 'log') return true;
    const live = (el.getAttribute('aria-live') || '').toLowerCase();
    if ((live === 'polite' || live === 'assertive') && el.children.length >= 1) return true;
    const cls = (typeof el.className === 'string' ? el.className : '') + ' ' + (el.id || '');
    return TRANSCRIPT_CLASS.test(cls) && el.children.length >= 1;
  }
  function foldedText(r) {
    let t = r.innerText || r.textContent || '';
    const logs = r.querySelectorAll ? r.querySelectorAll('[role=log],[aria-live],[class*=log],[class*=message],[class*=transcript],[class*=conversation]') : [];
    for (const lg of logs) {
      if (!isTranscript(lg)) continue;
      for (const k of Array.from(lg.children).slice(0, -RECENT_MESSAGES)) {
        const kt = k.innerText || '';
        if (kt) t = t.replace(kt, '');
      }
    }
    return t;
  }

  // A control in a fixed layer or a shadow root belongs to a site-wide widget (chat
  // launcher, drawer), not to the page under it.
  function inLayer(el) {
    if (el.getRootNode() !== document) return true;
    return clipOf(el).fixed;
  }

  // The text of the region a control belongs to: the same control in the same region
  // does the same thing, whatever else is open on the page.
  const REGION = 'form,dialog,[role=dialog],section,article,nav,header,footer,aside,main,details,li,tr,[role=tabpanel],[role=listitem],[role=menu]';
  function containerText(el) {
    let r = null;
    for (let a = parentOf(el); a && a.nodeType === 1; a = parentOf(a)) { if (a.matches && a.matches(REGION)) { r = a; break; } }
    const t = r ? foldedText(r) : '';
    return cut(norm(t).replace(/\d+/g, '#'), 1500);
  }

  // A block inside a chat or dialog panel (a fixed layer, a shadow-root widget, a dialog, an
  // element named like a chat), where an assistant's messages are: prose on a page is not.
  const PANEL_NAME = /(chat|bot|assistant|message|bubble|conversation|transcript|dialog|im-|kefu|widget)/i;
  function inPanel(el) {
    if (inLayer(el)) return true;
    for (let a = el, up = 0; a && a.nodeType === 1 && up < 12; a = parentOf(a), up++) {
      if (a.tagName === 'DIALOG' || (a.getAttribute('role') || '') === 'dialog' || (a.getAttribute('role') || '') === 'log') return true;
      const name = (typeof a.className === 'string' ? a.className : '') + ' ' + (a.id || '');
      if (PANEL_NAME.test(name)) return true;
    }
    return false;
  }

  // A control beside a free-text field (a chat composer, a message form) may send what is in it.
  function nearFreeText(el) {
    let a = parentOf(el);
    for (let up = 0; a && a.nodeType === 1 && up < 2; up++, a = parentOf(a)) {
      const root = a.shadowRoot || a;
      const f = root.querySelector && root.querySelector('textarea, [contenteditable=""], [contenteditable=true]');
      if (f && f !== el && rendered(f)) return true;
    }
    return false;
  }

  function snapshot(opts) {
    cache = { style: new Map(), clip: new Map(), sib: new Map() };
    try { return takeSnapshot(opts); } finally { cache = null; }
  }
  function takeSnapshot(opts) {
    const maxBlocks = (opts && opts.maxBlocks) || 20000;
    const maxControls = (opts && opts.maxControls) || 20000;
    const blocks = [];
    const controls = [];
    const fields = [];
    let heading = '';
    const layers = coveringLayers();

    function addControl(el, s, insideControl, weak) {
      if (controls.length >= maxControls) return;
      if (el.disabled || el.getAttribute('aria-disabled') === 'true') return;
      if (!onScreen(el)) return;
      const blocked = layers ? !layers.some((r) => containsDeep(r, el)) : false;
      const tag = el.tagName;
      const form = el.form || (el.closest && el.closest('form'));
      const c = {
        i: controls.length, tag: tag.toLowerCase(), role: (el.getAttribute('role') || '').toLowerCase(),
        label: cut(accessibleName(el), 300), path: pathOf(el), css: cut(cssOf(el), 500),
        href: tag === 'A' ? (el.getAttribute('href') || '') : '', abs: tag === 'A' && el.href ? String(el.href) : '',
        target: tag === 'A' ? (el.getAttribute('target') || '') : '',
        hreflang: tag === 'A' ? (el.getAttribute('hreflang') || el.getAttribute('lang') || '') : '',
        type: (el.getAttribute('type') || '').toLowerCase(), inForm: !!form,
        download: tag === 'A' && el.hasAttribute('download'), blocked, nested: insideControl, weak: !!weak,
        expanded: el.getAttribute('aria-expanded'), selected: el.getAttribute('aria-selected'),
        title: norm(el.getAttribute('title') || ''), heading: cut(heading, 200),
        options: null, ctx: containerText(el), layer: inLayer(el), nearText: nearFreeText(el),
      };
      if (tag === 'SELECT') {
        c.options = Array.from(el.options).map((o, k) => ({ k, value: o.value, text: cut(norm(o.text), 200), disabled: o.disabled, selected: o.selected }));
      }
      if (tag === 'BUTTON' && !c.type) c.type = form ? 'submit' : 'button';
      controls.push(c);
    }

    // Walk the composed tree in document order, collecting blocks of visible text.
    const stack = [];
    function visit(node, insideControl, logAge) {
      if (blocks.length >= maxBlocks) return '';
      if (node.nodeType === 3) return node.data;
      if (node.nodeType !== 1) return '';
      const el = node;
      const tag = el.tagName;
      if (tag === 'SCRIPT' || tag === 'STYLE' || tag === 'TEMPLATE' || tag === 'NOSCRIPT' || tag === 'IFRAME' || tag === 'FRAME' || tag === 'OBJECT') return '';
      const s = styleOf(el);
      if (s.display !== 'contents' && !rendered(el)) return '';
      const interactive = isInteractive(el, s);
      if (interactive) addControl(el, s, insideControl, interactive === 'weak');
      if ((tag === 'TEXTAREA' || (tag === 'INPUT' && ['text', 'email', 'tel', 'search', 'password', ''].includes((el.type || '').toLowerCase())) || el.isContentEditable) && onScreen(el)) {
        const form = el.form || el.closest('form');
        fields.push({
          tag: tag.toLowerCase(), type: (el.getAttribute('type') || '').toLowerCase(),
          label: cut(norm((el.labels && el.labels[0] ? el.labels[0].textContent : '') || el.getAttribute('aria-label') || el.placeholder || ''), 200),
          rows: el.rows || 0, height: Math.round(el.getBoundingClientRect().height),
          inForm: !!form, formText: form ? cut(norm(form.innerText), 400) : '',
          context: cut(norm((el.closest('section,form,div') || el).innerText || ''), 300),
          chrome: cut(((el.closest('[class],[id]') || el).className + ' ' + (el.id || '')).toString(), 200),
        });
      }
      const isHeading = HEADING.test(tag) || (el.getAttribute('role') || '') === 'heading';
      const block = !INLINE.test(s.display) || tag === 'BR';
      if (block) stack.push(blocks.length);
      let text = '';
      const children = kids(el);
      const transcript = !logAge && isTranscript(el);
      const elementKids = children.filter((k) => k.nodeType === 1);
      for (const k of children) {
        let age = logAge;
        if (transcript && k.nodeType === 1) age = elementKids.indexOf(k) >= elementKids.length - RECENT_MESSAGES ? 'recent' : 'old';
        text += visit(k, insideControl || interactive, age);
      }
      if (tag === 'IMG' && el.alt) text += ' ' + el.alt + ' ';
      if (block) stack.pop();
      const t = norm(text);
      if (isHeading && t) heading = t;
      if (block) {
        if (t && onScreen(el)) {
          blocks.push({ text: cut(t, 2000), tag: tag.toLowerCase(), heading: isHeading ? '' : cut(heading, 200), control: !!(interactive || insideControl), href: tag === 'A' ? String(el.href || '') : '', log: logAge || '', panel: inPanel(el) });
        }
        return ' ';
      }
      if (interactive && tag === 'A' && t && onScreen(el)) {
        // inline links keep their own block too, so a tel:/mailto: target is known
        blocks.push({ text: cut(t, 2000), tag: 'a', heading: cut(heading, 200), control: true, href: String(el.href || ''), inline: true, log: logAge || '' });
      }
      return text;
    }
    visit(document.documentElement, false, '');
    return {
      url: location.href, title: document.title, blocks, controls, fields,
      layered: !!layers, scrollHeight: document.documentElement.scrollHeight,
      lang: document.documentElement.lang || '',
      // copies of this page in other languages, as the page declares them
      alternates: Array.from(document.querySelectorAll('link[rel~="alternate"][hreflang]'))
        .map((l) => [String(l.href || ''), l.getAttribute('hreflang') || '']).slice(0, 200),
    };
  }

  // --- revealing without tapping: scrolling (free) and hovering (free, desktop) ---
  function lazyLeft() {
    let lazy = 0;
    for (const t of state.ioTargets) if (t.isConnected && !state.ioSeen.has(t)) lazy++;
    return lazy;
  }
  function needsScroll() {
    let lazy = 0;
    for (const t of state.ioTargets) {
      if (!t.isConnected) { state.ioTargets.delete(t); continue; }
      if (!state.ioSeen.has(t)) lazy++;
    }
    const tall = document.documentElement.scrollHeight > innerHeight + 8;
    return tall && (lazy > 0 || state.scrollListeners > 0);
  }
  // Intersection is computed when the page renders: wait two frames after each scroll, or a
  // quick scroll down and back would never be seen by an IntersectionObserver.
  const frames = () => new Promise((resolve) => {
    const done = origSetTimeout.bind(window, resolve, 100);  // rAF does not run in hidden pages
    const t = done();
    requestAnimationFrame(() => requestAnimationFrame(() => { origClearTimeout.call(window, t); resolve(); }));
  });
  async function scrollStep(i) {
    const el = document.scrollingElement || document.documentElement;
    const before = el.scrollTop;
    el.scrollTo({ top: before + Math.round(innerHeight * 0.85), behavior: 'instant' });
    await frames();
    const bottom = el.scrollTop + innerHeight >= el.scrollHeight - 4;
    return { moved: el.scrollTop !== before, bottom, height: el.scrollHeight, step: i };
  }
  async function scrollHome() {
    const el = document.scrollingElement || document.documentElement;
    el.scrollTo({ top: 0, left: 0, behavior: 'instant' });
    await frames();
    return true;
  }
  // Elements a desktop user would hover to open a menu: aria-haspopup, mouseenter listeners,
  // and the elements of `X:hover Y` style rules (CSS-only menus).
  function hoverTargets() {
    cache = { style: new Map(), clip: new Map(), sib: new Map() };
    try {
      const found = new Set();
      for (const el of document.querySelectorAll('[aria-haspopup]:not([aria-haspopup=false])')) found.add(el);
      const walkSheets = (sheets) => {
        for (const sheet of sheets) {
          let rules;
          try { rules = sheet.cssRules; } catch (e) { continue; }
          const visitRules = (list) => {
            for (const r of list || []) {
              if (r.cssRules && !r.selectorText) { visitRules(r.cssRules); continue; }
              const sel = r.selectorText || '';
              if (!sel.includes(':hover')) continue;
              for (const part of sel.split(',')) {
                const m = part.match(/^(.*?):hover(?=\s*[\s>+~])/);
                if (!m || !m[1].trim()) continue;
                try { for (const el of document.querySelectorAll(m[1].trim())) found.add(el); } catch (e) { /* ignore */ }
              }
            }
          };
          visitRules(rules);
        }
      };
      walkSheets(document.styleSheets);
      const all = document.querySelectorAll('*');
      for (let i = 0; i < all.length && found.size < 400; i++) if (state.hoverable.has(all[i])) found.add(all[i]);
      const out = [];
      for (const el of found) {
        if (out.length >= 60) break;
        if (!rendered(el) || !onScreen(el)) continue;
        out.push({ path: pathOf(el), label: cut(accessibleName(el), 300), css: cut(cssOf(el), 500), ctx: containerText(el) });
      }
      return out;
    } finally { cache = null; }
  }

  function target(path, label) {
    const el = resolvePath(path);
    if (el && (label == null || cut(accessibleName(el), 300) === label)) return el;
    if (label == null) return el;
    // fall back to the first visible control with the same name
    const seen = [];
    const walk = (n) => {
      if (n.nodeType !== 1) return;
      if (!rendered(n)) return;
      if (isInteractive(n, styleOf(n)) && cut(accessibleName(n), 300) === label) seen.push(n);
      kids(n).forEach(walk);
    };
    walk(document.documentElement);
    return seen[0] || null;
  }
  // Evidence screenshots: the outlined element is brought into view at once (`instant`
  // overrides a page's `scroll-behavior: smooth`, which would still be scrolling when the
  // screenshot is taken), then the crawler waits until nothing moves any more.
  let watched = null;
  async function outline(el) {
    if (!el) return false;
    el.scrollIntoView({ block: 'center', inline: 'nearest', behavior: 'instant' });
    el.style.setProperty('outline', '4px solid #e0218a', 'important');
    el.style.setProperty('outline-offset', '2px', 'important');
    watched = el;
    await scrollIdle(1500);
    return true;
  }
  // Until the scroll position and the watched element's place have not changed for three
  // frames (a smooth scroll started by the page itself ends too), at most `maxMs`.
  async function scrollIdle(maxMs) {
    const start = performance.now();
    const where = () => {
      const el = document.scrollingElement || document.documentElement;
      const r = watched && watched.isConnected ? watched.getBoundingClientRect() : null;
      return [el.scrollLeft, el.scrollTop, r ? Math.round(r.left) : 0, r ? Math.round(r.top) : 0].join(',');
    };
    let last = where();
    let still = 0;
    while (still < 3 && performance.now() - start < maxMs) {
      await frames();
      const now = where();
      still = now === last ? still + 1 : 0;
      last = now;
    }
    return still >= 3;
  }
  // Where a channel's evidence is printed: the smallest visible element whose visible text
  // holds `text` (a number, an address, an assistant's words), or a control or field with that
  // name, through open shadow roots.
  function findEvidence(text) {
    const want = norm(text).toLowerCase();
    if (!want) return null;
    let found = null;
    const visit = (n) => {
      if (found) return '';
      if (n.nodeType === 3) return n.data;
      if (n.nodeType !== 1) return '';
      const tag = n.tagName;
      if (tag === 'SCRIPT' || tag === 'STYLE' || tag === 'TEMPLATE' || tag === 'NOSCRIPT') return '';
      const s = styleOf(n);
      if (s.display !== 'contents' && !rendered(n)) return '';
      let t = '';
      for (const k of kids(n)) {
        t += visit(k);
        if (found) return '';
      }
      if (tag === 'IMG' && n.alt) t += ' ' + n.alt + ' ';
      if (tag !== 'HTML' && tag !== 'BODY' && s.display !== 'contents' && onScreen(n)) {
        const named = isInteractive(n, s) || tag === 'TEXTAREA' || tag === 'INPUT' || tag === 'LABEL';
        if (norm(t).toLowerCase().includes(want) || (named && norm(accessibleName(n)).toLowerCase() === want)) {
          found = n;
          return '';
        }
      }
      return INLINE.test(s.display) ? t : t + ' ';
    };
    cache = { style: new Map(), clip: new Map(), sib: new Map() };
    try { visit(document.documentElement); } finally { cache = null; }
    return found;
  }
  // Outline the evidence of each text, bring the first into view; say whether all of them are
  // inside the viewport now (else the crawler takes the whole page).
  async function showEvidence(texts) {
    const els = [];
    for (const t of texts) {
      const el = findEvidence(t);
      if (el && !els.includes(el)) els.push(el);
    }
    if (!els.length) return { found: 0, inView: false };
    for (const el of els) {
      el.style.setProperty('outline', '4px solid #e0218a', 'important');
      el.style.setProperty('outline-offset', '2px', 'important');
    }
    els[0].scrollIntoView({ block: 'center', inline: 'nearest', behavior: 'instant' });
    watched = els[0];
    await scrollIdle(1500);
    const inView = els.every((el) => {
      const r = el.getBoundingClientRect();
      return r.top >= 0 && r.left >= 0 && r.bottom <= innerHeight && r.right <= innerWidth;
    });
    return { found: els.length, inView };
  }
  Object.defineProperty(window, '__reach', {
    value: Object.freeze({ waitSettled, snapshot, target, outline, accessibleName, needsScroll, lazyLeft, scrollStep, scrollHome, hoverTargets, scrollIdle, findEvidence, showEvidence }),
    enumerable: false, configurable: false, writable: false,
  });
})();
