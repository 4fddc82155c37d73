// Offline interactive API reference: renders /api/v1/openapi.json and lets you try each call.
(function () {
  "use strict";
  var root = document.getElementById("ops");
  function el(tag, attrs, text) {
    var n = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { n.setAttribute(k, attrs[k]); });
    if (text !== undefined) n.textContent = text;
    return n;
  }
  function example(schema, doc, depth) {
    depth = depth || 0;
    if (!schema || depth > 4) return null;
    if (schema.$ref) return example(doc.components.schemas[schema.$ref.split("/").pop()], doc, depth + 1);
    if (schema.example !== undefined) return schema.example;
    if (schema.examples && schema.examples.length) return schema.examples[0];
    if (schema.default !== undefined) return schema.default;
    if (schema.anyOf) return example(schema.anyOf[0], doc, depth + 1);
    if (schema.type === "object" || schema.properties) {
      var out = {};
      Object.keys(schema.properties || {}).forEach(function (k) {
        if ((schema.required || []).indexOf(k) >= 0) out[k] = example(schema.properties[k], doc, depth + 1);
      });
      return out;
    }
    if (schema.type === "array") return [];
    if (schema.type === "integer" || schema.type === "number") return 0;
    if (schema.type === "boolean") return false;
    if (schema.enum) return schema.enum[0];
    return "";
  }
  fetch("openapi.json").then(function (r) { return r.json(); }).then(function (doc) {
    root.textContent = "";
    var n = 0;
    Object.keys(doc.paths).sort().forEach(function (path) {
      Object.keys(doc.paths[path]).forEach(function (method) {
        var op = doc.paths[path][method], id = "op" + (n++);
        var box = el("details", { "class": "card" });
        box.appendChild(el("summary", {}, method.toUpperCase() + " " + path + " — " + op.summary));
        if (op.description) box.appendChild(el("p", {}, op.description));
        box.appendChild(el("p", { "class": "muted" }, "Responses: " + Object.keys(op.responses).join(", ")));
        var urlField = el("input", { id: id + "-url", value: path });
        var lab = el("label", { "for": id + "-url" }, "URL");
        box.appendChild(lab); box.appendChild(urlField);
        var body = null;
        if (op.requestBody && op.requestBody.content["application/json"]) {
          var ex = example(op.requestBody.content["application/json"].schema, doc);
          box.appendChild(el("label", { "for": id + "-body" }, "JSON body"));
          body = el("textarea", { id: id + "-body", rows: "8", "class": "mono" });
          body.value = JSON.stringify(ex, null, 2);
          box.appendChild(body);
        }
        var send = el("button", { type: "button" }, "Send");
        var out = el("pre", { "class": "mono", "aria-live": "polite" });
        send.addEventListener("click", function () {
          var headers = { "Accept": "application/json" };
          var token = document.getElementById("token").value.trim();
          if (token) headers["Authorization"] = "Bearer " + token;
          var init = { method: method.toUpperCase(), headers: headers };
          if (body) { headers["Content-Type"] = "application/json"; init.body = body.value; }
          out.textContent = "…";
          fetch(urlField.value, init).then(function (r) {
            return r.text().then(function (t) { out.textContent = r.status + " " + r.statusText + "\n" + t; });
          }).catch(function (e) { out.textContent = String(e); });
        });
        box.appendChild(send); box.appendChild(out);
        root.appendChild(box);
      });
    });
  }).catch(function (e) { root.textContent = "Could not load the API document: " + e; });
})();
