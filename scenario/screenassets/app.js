// Hall screen of the 办事码 (service code): shows the current code's QR
// image, swaps it in place when the code rotates, and lists the
// authorizations that arrive from the codes shown. Events come from
// "events" (Server-Sent Events); "state" is polled as a fallback.
(function () {
  'use strict';
  var STATUS = {
    PENDING: '待确认', SCANNED: '已扫码', AUTHORIZED: '已授权',
    REJECTED: '已拒绝', EXPIRED: '已过期', CANCELED: '已撤销'
  };
  var MAX_ROWS = 50;
  var qr = document.getElementById('qr');
  var waiting = document.getElementById('waiting');
  var countdown = document.getElementById('countdown');
  var list = document.getElementById('auths');
  var none = document.getElementById('no-auths');
  var deadline = 0;
  var wanted = null; // {version, codeId} being loaded or shown
  var rows = new Map();

  function showWaiting() {
    qr.hidden = true;
    waiting.hidden = false;
    countdown.textContent = '';
  }

  qr.addEventListener('load', function () {
    if (!wanted || deadline === 0) { return; }
    qr.dataset.version = String(wanted.version);
    qr.dataset.codeId = wanted.codeId;
    qr.hidden = false;
    waiting.hidden = true;
  });
  qr.addEventListener('error', function () { showWaiting(); });

  function applyCode(c) {
    if (!c || !c.available) {
      deadline = 0;
      wanted = null;
      showWaiting();
      return;
    }
    deadline = Date.now() + c.expiresInMs;
    if (!wanted || wanted.version !== c.qrVersion) {
      wanted = { version: c.qrVersion, codeId: c.codeId };
      qr.src = 'qr.png?v=' + encodeURIComponent(String(c.qrVersion));
    }
    tick();
  }

  function tick() {
    if (deadline === 0) { return; }
    var left = deadline - Date.now();
    if (left <= 0) {
      deadline = 0;
      wanted = null;
      showWaiting();
      return;
    }
    countdown.textContent = '有效期剩余 ' + Math.ceil(left / 1000) + ' 秒';
  }

  function timeText(iso) {
    if (!iso) { return ''; }
    var d = new Date(iso);
    if (isNaN(d.getTime())) { return ''; }
    return d.toLocaleTimeString('zh-CN', { hour12: false });
  }

  function upsert(a) {
    if (!a || !a.authorizationId) { return; }
    var tr = rows.get(a.authorizationId);
    if (!tr) {
      tr = document.createElement('tr');
      tr.dataset.id = a.authorizationId;
      for (var i = 0; i < 3; i++) { tr.appendChild(document.createElement('td')); }
      list.insertBefore(tr, list.firstChild);
      rows.set(a.authorizationId, tr);
      while (list.rows.length > MAX_ROWS) {
        var last = list.rows[list.rows.length - 1];
        rows.delete(last.dataset.id);
        list.removeChild(last);
      }
    }
    tr.cells[0].textContent = a.holder || '—';
    tr.cells[0].className = 'holder';
    tr.cells[1].textContent = STATUS[a.status] || a.status;
    tr.cells[1].className = 'status status-' + a.status;
    tr.cells[2].textContent = timeText(a.scannedAt);
    tr.cells[2].className = 'time';
    none.hidden = true;
  }

  function applyState(s) {
    applyCode(s);
    (s.authorizations || []).forEach(upsert);
  }

  function poll() {
    fetch('state', { cache: 'no-store', credentials: 'same-origin' })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (s) { if (s) { applyState(s); } })
      .catch(function () {});
  }

  setInterval(tick, 500);
  if (window.EventSource) {
    var es = new EventSource('events');
    es.addEventListener('rotate', function (e) { applyCode(JSON.parse(e.data)); });
    es.addEventListener('authorization', function (e) { upsert(JSON.parse(e.data)); });
    setInterval(poll, 30000);
  } else {
    poll();
    setInterval(poll, 3000);
  }
})();
