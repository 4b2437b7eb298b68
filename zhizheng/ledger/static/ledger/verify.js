/* Verify a ledger receipt in the browser, with WebCrypto only (no library):
 * 1. SHA-256(0x00 || leaf) equals the leaf hash;  2. the leaf records this entry;
 * 3. the RFC 9162 inclusion proof leads to the root in the checkpoint;  4. the checkpoint's Ed25519 signature
 * verifies with a published key (where the browser supports Ed25519 in WebCrypto). */
(function () {
  "use strict";

  function fromB64(text) {
    var raw = atob(text);
    var out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
    return out;
  }
  function concat() {
    var total = 0, i, offset = 0;
    for (i = 0; i < arguments.length; i++) total += arguments[i].length;
    var out = new Uint8Array(total);
    for (i = 0; i < arguments.length; i++) { out.set(arguments[i], offset); offset += arguments[i].length; }
    return out;
  }
  function equal(a, b) {
    if (a.length !== b.length) return false;
    for (var i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }
  async function sha256(data) { return new Uint8Array(await crypto.subtle.digest("SHA-256", data)); }
  var LEAF = new Uint8Array([0]), NODE = new Uint8Array([1]);
  function nodeHash(left, right) { return sha256(concat(NODE, left, right)); }

  // RFC 9162 section 2.1.3.2, with BigInt so that sizes beyond 2^32 work.
  async function rootFromInclusion(index, size, leafHash, proof) {
    var fn = BigInt(index), sn = BigInt(size) - 1n, r = leafHash;
    if (fn > sn) throw new Error("index outside the tree");
    for (var i = 0; i < proof.length; i++) {
      if (sn === 0n) throw new Error("proof too long");
      if ((fn & 1n) === 1n || fn === sn) {
        r = await nodeHash(proof[i], r);
        while ((fn & 1n) === 0n && fn !== 0n) { fn >>= 1n; sn >>= 1n; }
      } else {
        r = await nodeHash(r, proof[i]);
      }
      fn >>= 1n; sn >>= 1n;
    }
    if (sn !== 0n) throw new Error("proof too short");
    return r;
  }

  function parseNote(text) {
    var split = text.lastIndexOf("\n\n");
    var body = text.slice(0, split + 1);
    var sigs = text.slice(split + 2).split("\n").filter(Boolean).map(function (line) {
      var rest = line.slice(2), space = rest.indexOf(" ");
      var blob = fromB64(rest.slice(space + 1));
      return { name: rest.slice(0, space), keyId: blob.slice(0, 4), sig: blob.slice(4) };
    });
    return { body: body, lines: body.split("\n"), sigs: sigs };
  }

  async function verifySignature(note, vkeys) {
    var encoder = new TextEncoder();
    for (var i = 0; i < vkeys.length; i++) {
      var parts = vkeys[i].split("+");
      var name = parts[0], keyId = parts[1], material = fromB64(parts.slice(2).join("+"));
      if (material[0] !== 1) continue;
      for (var j = 0; j < note.sigs.length; j++) {
        var s = note.sigs[j];
        var hex = Array.from(s.keyId, function (b) { return b.toString(16).padStart(2, "0"); }).join("");
        if (s.name !== name || hex !== keyId) continue;
        var key = await crypto.subtle.importKey("raw", material.slice(1), { name: "Ed25519" }, false, ["verify"]);
        var ok = await crypto.subtle.verify({ name: "Ed25519" }, key, s.sig, encoder.encode(note.body));
        return { ok: ok, key: vkeys[i] };
      }
    }
    return { ok: false, key: "" };
  }

  function report(list, ok, text) {
    var item = document.createElement("li");
    item.className = ok === true ? "text-success" : ok === false ? "text-danger" : "text-secondary";
    item.textContent = (ok === true ? "✓ " : ok === false ? "✗ " : "• ") + text;
    list.appendChild(item);
    return ok !== false;
  }

  async function run() {
    var receipt = JSON.parse(document.getElementById("ledger-receipt-data").textContent);
    var t = JSON.parse(document.getElementById("ledger-i18n").textContent);
    var list = document.getElementById("ledger-verify-result");
    list.textContent = "";
    if (!window.crypto || !crypto.subtle) { report(list, false, t.no_crypto); return; }
    var good = true;
    var leaf = fromB64(receipt.leaf);
    var leafHash = await sha256(concat(LEAF, leaf));
    good = report(list, equal(leafHash, fromB64(receipt.leaf_hash)), equal(leafHash, fromB64(receipt.leaf_hash)) ? t.leaf_ok : t.leaf_bad) && good;
    var doc = JSON.parse(new TextDecoder().decode(leaf));
    var same = doc.index === receipt.index && doc.act === receipt.act;
    good = report(list, same, (same ? t.content_ok : t.content_bad).replace("%(index)s", receipt.index)) && good;
    var note = parseNote(receipt.checkpoint);
    var root;
    try {
      root = await rootFromInclusion(receipt.index, receipt.size, leafHash, receipt.proof.map(fromB64));
    } catch (e) { root = new Uint8Array(0); }
    var rootOk = note.lines[1] === String(receipt.size) && equal(root, fromB64(note.lines[2]));
    good = report(list, rootOk, rootOk ? t.root_ok : t.root_bad) && good;
    try {
      var signed = await verifySignature(note, receipt.verifier_keys);
      good = report(list, signed.ok, signed.ok ? t.sig_ok.replace("%(key)s", signed.key) : t.sig_bad) && good;
    } catch (e) {
      report(list, null, t.sig_unsupported);
    }
    report(list, good, good ? t.all_ok : t.failed);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var button = document.getElementById("ledger-verify");
    if (button) button.addEventListener("click", function () { run(); });
  });
})();
