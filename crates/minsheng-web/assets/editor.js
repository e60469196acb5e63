/* minsheng's plan editor script (served from /assets/editor.js; the CSP allows only this
 * site's scripts). Progressive enhancement of the preview at /plans/new/preview, which works
 * without it: selecting a passage of the document on the left fills a phrase on the right.
 * A selection inside an item (span.item-span[data-item=ID]) fills that item's row for a new
 * target (tr.add-target[data-add-for=ID]): its phrase, and in the hidden field `at-…` where
 * the phrase starts in the text, in bytes of UTF-8 — the server takes it only if the phrase
 * stands there. A selection outside every item fills the new item's text. Written as ES5 so
 * that older browsers in government offices run it or skip it cleanly. */
(function () {
  'use strict';
  var doc = document.getElementById('document');
  if (!doc || !window.getSelection || !document.createRange) {
    return;
  }
  var hint = document.getElementById('select-hint');
  if (hint) {
    hint.hidden = false;
  }

  /* The length in bytes of UTF-8 of a string (surrogate pairs are four bytes). */
  function utf8Length(s) {
    var n = 0;
    for (var i = 0; i < s.length; i++) {
      var c = s.charCodeAt(i);
      if (c < 0x80) {
        n += 1;
      } else if (c < 0x800) {
        n += 2;
      } else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
        n += 4;
        i++;
      } else {
        n += 3;
      }
    }
    return n;
  }

  function closestItem(node) {
    var el = node && node.nodeType === 1 ? node : node && node.parentNode;
    while (el && el !== doc) {
      if (el.getAttribute && el.getAttribute('data-item')) {
        return el.getAttribute('data-item');
      }
      el = el.parentNode;
    }
    return null;
  }

  function field(row, prefix) {
    return row.querySelector('[name^="' + prefix + '-"]');
  }

  function fill() {
    var sel = window.getSelection();
    if (!sel || sel.rangeCount === 0 || sel.isCollapsed) {
      return;
    }
    var range = sel.getRangeAt(0);
    if (!doc.contains(range.startContainer) || !doc.contains(range.endContainer)) {
      return;
    }
    var raw = range.toString();
    var phrase = raw.replace(/^\s+/, '').replace(/\s+$/, '');
    if (!phrase) {
      return;
    }
    var before = document.createRange();
    before.setStart(doc, 0);
    before.setEnd(range.startContainer, range.startOffset);
    var lead = raw.length - raw.replace(/^\s+/, '').length;
    var at = utf8Length(before.toString() + raw.slice(0, lead));
    var item = closestItem(range.startContainer);
    var endItem = closestItem(range.endContainer);
    if (item && item === endItem) {
      var row = document.querySelector('tr.add-target[data-add-for="' + item + '"]');
      if (!row) {
        return;
      }
      field(row, 'phrase').value = phrase;
      field(row, 'at').value = String(at);
      var value = field(row, 'value');
      row.classList.add('filled');
      value.focus();
    } else if (!item && !endItem) {
      var block = document.getElementById('add-item');
      if (!block) {
        return;
      }
      var title = block.querySelector('textarea[name^="title-"]');
      title.value = phrase;
      block.classList.add('filled');
      block.querySelector('input[name^="no-"]').focus();
    }
  }

  doc.addEventListener('mouseup', fill);
  doc.addEventListener('keyup', function (e) {
    if (e.shiftKey) {
      fill();
    }
  });
  doc.addEventListener('touchend', function () {
    window.setTimeout(fill, 0);
  });
})();
