// maillage report: pan/zoom, territory details, service switch, layer and
// point toggles, search, sortable and filterable tables. No library, no
// network. `DATA` (set before this script) is null on static pages.
(function () {
  'use strict';
  var svg = document.querySelector('#mapbox svg');
  var box = document.getElementById('mapbox');
  var tip = document.getElementById('tip');
  var details = document.getElementById('details');
  var legend = document.getElementById('legend');
  var data = (typeof DATA === 'object' && DATA && DATA.layers) ? DATA : null;
  var service = data && data.services.length ? data.services[0].id : null;
  var selected = null;
  var hiddenKinds = {};

  function esc(s) {
    return String(s).replace(/[&<>"]/g, function (c) {
      return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }[c];
    });
  }
  // Numbers as French readers write them: 12 345 678, 1,23 km, 97,1 %.
  function fr(x, digits) {
    return Number(x).toLocaleString('fr-FR', { minimumFractionDigits: digits || 0,
                                               maximumFractionDigits: digits || 0 });
  }
  function km(m) {
    if (m === null || m === undefined) { return 'none in its zone'; }
    return m < 1000 ? fr(Math.round(m)) + '\u00a0m' : fr(m / 1000, 2) + '\u00a0km';
  }

  // ── pan and zoom: the viewBox moves, the page does not ─────────────────
  var full = null, view = null;
  if (svg) {
    var vb = svg.viewBox.baseVal;
    full = { x: vb.x, y: vb.y, w: vb.width, h: vb.height };
    view = { x: full.x, y: full.y, w: full.w, h: full.h };
  }
  // Markers keep their size on screen at every zoom: each point's radius
  // (and the dots of territories too small to draw) is its radius on the
  // whole map times the zoom; outlines keep their width by CSS
  // (vector-effect: non-scaling-stroke).
  var markers = svg ? Array.prototype.slice.call(
    svg.querySelectorAll('#points circle, #areas circle')) : [];
  markers.forEach(function (c) { c.dataset.r = c.getAttribute('r'); });
  function apply() {
    svg.setAttribute('viewBox', view.x + ' ' + view.y + ' ' + view.w + ' ' + view.h);
    var k = view.w / full.w;
    markers.forEach(function (c) { c.setAttribute('r', (c.dataset.r * k).toFixed(3)); });
  }
  function zoom(factor, cx, cy) {
    var w = Math.min(full.w * 1.5, Math.max(full.w / 200, view.w * factor));
    var h = w * full.h / full.w;
    if (cx === undefined) { cx = view.x + view.w / 2; cy = view.y + view.h / 2; }
    view.x = cx - (cx - view.x) * (w / view.w);
    view.y = cy - (cy - view.y) * (h / view.h);
    view.w = w; view.h = h;
    apply();
  }
  function toSvg(evt) {
    var r = svg.getBoundingClientRect();
    return { x: view.x + (evt.clientX - r.left) / r.width * view.w,
             y: view.y + (evt.clientY - r.top) / r.height * view.h };
  }
  function zoomTo(el) {
    var b = el.getBBox();
    var m = Math.max(b.width, b.height) * 0.6 + 20;
    var w = Math.max(b.width + 2 * m, (b.height + 2 * m) * full.w / full.h);
    view.w = w; view.h = w * full.h / full.w;
    view.x = b.x + b.width / 2 - view.w / 2;
    view.y = b.y + b.height / 2 - view.h / 2;
    apply();
  }
  if (svg) {
    box.addEventListener('wheel', function (e) {
      e.preventDefault();
      var p = toSvg(e);
      zoom(e.deltaY < 0 ? 0.8 : 1.25, p.x, p.y);
    }, { passive: false });
    var drag = null;
    box.addEventListener('pointerdown', function (e) {
      if (e.target.closest('#zoom')) { return; }
      drag = { x: e.clientX, y: e.clientY, vx: view.x, vy: view.y, moved: false };
    });
    window.addEventListener('pointermove', function (e) {
      if (!drag) { return; }
      var r = svg.getBoundingClientRect();
      var dx = e.clientX - drag.x, dy = e.clientY - drag.y;
      if (Math.abs(dx) + Math.abs(dy) > 3) { drag.moved = true; box.style.cursor = 'grabbing'; }
      view.x = drag.vx - dx / r.width * view.w;
      view.y = drag.vy - dy / r.height * view.h;
      apply();
    });
    window.addEventListener('pointerup', function () {
      box.style.cursor = '';
      if (drag && drag.moved) { box.dataset.dragged = '1'; }
      drag = null;
    });
    document.getElementById('zin').onclick = function () { zoom(0.6); };
    document.getElementById('zout').onclick = function () { zoom(1 / 0.6); };
    document.getElementById('zreset').onclick = function () {
      view = { x: full.x, y: full.y, w: full.w, h: full.h }; apply();
    };
  }

  // ── tables: sort by a header, filter by the box above ──────────────────
  document.querySelectorAll('table.sortable').forEach(function (table) {
    table.querySelectorAll('th').forEach(function (th, col) {
      th.addEventListener('click', function () {
        var numeric = th.dataset.numeric === '1';
        var asc = th.dataset.order !== 'asc';
        th.dataset.order = asc ? 'asc' : 'desc';
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = value(a.cells[col]), y = value(b.cells[col]);
          if (numeric) {
            // Empty or text ("no data") cells sort after every number.
            x = parseFloat(x); y = parseFloat(y);
            x = isNaN(x) ? Infinity : x; y = isNaN(y) ? Infinity : y;
            if (x === y) { return 0; }
            return asc ? x - y : y - x;
          }
          return asc ? x.localeCompare(y, 'fr') : y.localeCompare(x, 'fr');
        });
        rows.forEach(function (r) { body.appendChild(r); });
      });
    });
  });
  // A cell's value: `data-v` for numbers (shown the French way), else its text.
  function value(cell) {
    return cell.dataset.v !== undefined ? cell.dataset.v : cell.textContent;
  }
  // Download a table as CSV (its rows as filtered), built in the page: no network.
  function csvCell(t) {
    return /[",;\n\r]/.test(t) ? '"' + t.replace(/"/g, '""') + '"' : t;
  }
  document.querySelectorAll('button.csv').forEach(function (button) {
    var table = document.getElementById(button.dataset.table);
    button.addEventListener('click', function () {
      var lines = [Array.prototype.map.call(table.tHead.rows[0].cells, function (c) {
        return csvCell(c.textContent);
      }).join(',')];
      Array.prototype.forEach.call(table.tBodies[0].rows, function (r) {
        if (r.style.display === 'none') { return; }
        lines.push(Array.prototype.map.call(r.cells, function (c) {
          return csvCell(value(c));
        }).join(','));
      });
      var blob = new Blob(['\ufeff' + lines.join('\r\n') + '\r\n'], { type: 'text/csv;charset=utf-8' });
      var a = document.createElement('a');
      a.href = URL.createObjectURL(blob);
      a.download = (button.dataset.name || 'table') + '.csv';
      document.body.appendChild(a);
      a.click();
      setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 0);
      button.dataset.rows = String(lines.length - 1);
    });
  });
  document.querySelectorAll('input.filter').forEach(function (input) {
    var table = document.getElementById(input.dataset.table);
    input.addEventListener('input', function () {
      var q = input.value.trim().toLowerCase();
      var shown = 0;
      Array.prototype.forEach.call(table.tBodies[0].rows, function (r) {
        var hit = q === '' || r.textContent.toLowerCase().indexOf(q) >= 0;
        r.style.display = hit ? '' : 'none';
        shown += hit ? 1 : 0;
      });
      input.title = shown + ' rows shown';
    });
  });

  if (!data) { return; }

  // ── territories: hover, click, details ──────────────────────────────────
  var layerIndex = {};
  data.layers.forEach(function (l, i) { layerIndex[l.name] = i; });
  function rowOf(el) {
    var l = data.layers[layerIndex[el.dataset.layer]];
    return l ? { layer: l, row: l.rows[el.dataset.territoryId] } : null;
  }
  function describe(el, all) {
    var found = rowOf(el);
    if (!found || !found.row) { return ''; }
    var row = found.row, id = el.dataset.territoryId;
    var h = '<b>' + esc(row.name) + '</b> <span style="color:#666">' + esc(found.layer.name) +
      ' ' + esc(id) + '</span><br>population: ' +
      (row.population === null ? 'unknown' : fr(row.population));
    var ids = all ? data.services.map(function (s) { return s.id; }) : [service];
    h += '<table>';
    ids.forEach(function (sid) {
      var r = row.results[sid];
      if (!r) { return; }
      var label = data.services.filter(function (s) { return s.id === sid; })[0].label;
      h += '<tr><td>' + esc(label) + '<br><span style="color:#666">' +
        esc(found.layer.rules[sid] || '') + '</span></td><td>' +
        (r.status === 'no_data' ? '<b style="color:#666">no data</b><br>no site in the inputs offers this service</td></tr>' :
        (r.served ? '<b style="color:#2a7">served</b>' : '<b style="color:#c30">not served</b>') +
        '<br>nearest: ' + km(r.distance_m) + (r.nearest ? '<br>' + esc(r.nearest) : '') +
        '<br>' + r.inside + ' inside, ' + r.within + ' within the radius</td></tr>');
    });
    return h + '</table>';
  }
  function select(el, scroll) {
    if (selected) { selected.classList.remove('sel'); }
    document.querySelectorAll('tr.sel').forEach(function (r) { r.classList.remove('sel'); });
    selected = el;
    if (!el) { details.innerHTML = ''; return; }
    el.classList.add('sel');
    el.parentNode.appendChild(el); // on top, so its outline shows
    details.innerHTML = describe(el, true);
    details.dataset.territoryId = el.dataset.territoryId;
    document.querySelectorAll('tr[data-territory-id="' + CSS.escape(el.dataset.territoryId) + '"]')
      .forEach(function (r) { r.classList.add('sel'); });
    if (scroll) { zoomTo(el); box.scrollIntoView({ block: 'nearest' }); }
  }
  svg.addEventListener('mousemove', function (e) {
    var el = e.target.closest('[data-territory-id]');
    var pt = e.target.closest('[data-i]');
    var h = '';
    if (pt) {
      var p = data.points[+pt.dataset.i];
      if (p) { h = '<b>' + esc(p[0]) + '</b><br>' + esc(p[1]) + ' · ' + esc(p[2]) + '<br>' + esc(p[3]); }
    } else if (el) {
      h = describe(el, false);
    }
    if (h) {
      tip.innerHTML = h; tip.style.display = 'block';
      tip.style.left = (e.clientX + 14) + 'px'; tip.style.top = (e.clientY + 12) + 'px';
    } else {
      tip.style.display = 'none';
    }
  });
  svg.addEventListener('mouseleave', function () { tip.style.display = 'none'; });
  svg.addEventListener('click', function (e) {
    if (box.dataset.dragged) { delete box.dataset.dragged; return; }
    var el = e.target.closest('[data-territory-id]');
    if (el) { select(el, false); }
  });
  document.querySelectorAll('tr[data-territory-id]').forEach(function (tr) {
    tr.addEventListener('click', function () {
      var el = svg.querySelector('[data-territory-id="' + CSS.escape(tr.dataset.territoryId) +
        '"][data-layer="' + CSS.escape(tr.dataset.layer || '') + '"]') ||
        svg.querySelector('[data-territory-id="' + CSS.escape(tr.dataset.territoryId) + '"]');
      if (el) { select(el, true); }
    });
  });

  // ── the service switch recolours the map and the legend ─────────────────
  function recolour() {
    svg.querySelectorAll('[data-territory-id]').forEach(function (el) {
      var found = rowOf(el);
      var r = found && found.row && found.row.results[service];
      var legendOf = found && found.layer.legend[service];
      el.setAttribute('fill', r && legendOf ? legendOf[r.class][1] : '#eeeeee');
      el.style.opacity = r ? '' : '0.35';
    });
    var current = data.services.filter(function (s) { return s.id === service; })[0];
    var h = '<div class="lt">' + esc(current ? current.label : service) + '</div>';
    data.layers.forEach(function (l) {
      var entries = l.legend[service];
      if (!entries) { return; }
      h += '<div><b>' + esc(l.name) + '</b> <span style="color:#666">(' + esc(l.rules[service]) + ')</span></div>';
      entries.forEach(function (e) {
        h += '<div><span class="swatch" style="border-radius:2px;background:' + e[1] + '"></span>' + esc(e[0]) + '</div>';
      });
    });
    var shown = data.kinds.filter(function (k) { return !hiddenKinds[k.id]; });
    if (data.kinds.length) {
      h += '<div><b>points</b> <span style="color:#666">(offering this service)</span></div>';
      data.kinds.forEach(function (k) {
        h += '<div' + (shown.indexOf(k) < 0 ? ' style="opacity:.45"' : '') +
          '><span class="swatch" style="background:' + k.colour + '"></span>' + esc(k.label) +
          ' (' + fr(k.count) + ')</div>';
      });
    }
    legend.innerHTML = h;
    if (selected) { details.innerHTML = describe(selected, true); }
    showPoints();
  }
  var services = document.getElementById('services');
  data.services.forEach(function (s, i) {
    var l = document.createElement('label');
    l.innerHTML = '<input type="radio" name="service" value="' + esc(s.id) + '"' + (i === 0 ? ' checked' : '') + '> ' + esc(s.label) + ' ';
    l.querySelector('input').addEventListener('change', function () { service = s.id; recolour(); });
    services.appendChild(l);
  });
  var layers = document.getElementById('layers');
  data.layers.forEach(function (l) {
    var lab = document.createElement('label');
    lab.innerHTML = '<input type="checkbox" checked> ' + esc(l.name) + ' ';
    lab.querySelector('input').addEventListener('change', function (e) {
      svg.querySelectorAll('[data-layer="' + CSS.escape(l.name) + '"]').forEach(function (el) {
        el.style.display = e.target.checked ? '' : 'none';
      });
    });
    layers.appendChild(lab);
  });
  // Thousands of points (a national view) hide the territories: off at first.
  var many = data.points.length > 2000;
  var kinds = document.getElementById('kinds');
  data.kinds.forEach(function (k) {
    hiddenKinds[k.id] = many;
    var lab = document.createElement('label');
    lab.innerHTML = '<input type="checkbox"' + (many ? '' : ' checked') + '> <span class="swatch" style="background:' + k.colour + '"></span>' + esc(k.label) + ' (' + fr(k.count) + ') ';
    lab.querySelector('input').addEventListener('change', function (e) {
      hiddenKinds[k.id] = !e.target.checked;
      recolour();
    });
    kinds.appendChild(lab);
  });

  // Points shown: those offering the selected service, of a kind ticked.
  function showPoints() {
    svg.querySelectorAll('g[data-kind]').forEach(function (g) {
      var kindShown = !hiddenKinds[g.dataset.kind];
      g.querySelectorAll('[data-i]').forEach(function (c) {
        var p = data.points[+c.dataset.i];
        var offers = p && p[3].split(', ').indexOf(service) >= 0;
        c.style.display = kindShown && offers ? '' : 'none';
      });
    });
  }

  // ── search by name or code ──────────────────────────────────────────────
  var names = document.getElementById('names');
  var index = [];
  data.layers.forEach(function (l) {
    Object.keys(l.rows).forEach(function (id) {
      var text = l.rows[id].name + ' — ' + id;
      index.push({ text: text, id: id, layer: l.name });
      var o = document.createElement('option');
      o.value = text;
      names.appendChild(o);
    });
  });
  document.getElementById('search').addEventListener('change', function (e) {
    var q = e.target.value.trim().toLowerCase();
    if (!q) { return; }
    var hit = index.filter(function (x) { return x.text.toLowerCase() === q; })[0] ||
      index.filter(function (x) { return x.id.toLowerCase() === q; })[0] ||
      index.filter(function (x) { return x.text.toLowerCase().indexOf(q) >= 0; })[0];
    if (!hit) { e.target.setCustomValidity('no territory matches'); e.target.reportValidity(); return; }
    e.target.setCustomValidity('');
    var el = svg.querySelector('[data-territory-id="' + CSS.escape(hit.id) + '"][data-layer="' + CSS.escape(hit.layer) + '"]');
    if (el) { select(el, true); }
  });

  recolour();
  document.body.dataset.ready = '1';
}());
