// casegate's browser glue: the reader worker and fetch, called from the Go
// UI (app/ui) so the page's own wasm carries neither the reader nor net/http.
(function () {
  "use strict";
  let worker = null, ready = false, queue = [], listener = null;
  const log = (window.casegateLog = []); // the last messages, for diagnosis
  const note = (m) => { log.push(m); if (log.length > 50) log.shift(); };

  function start() {
    worker = new Worker("/web/worker.js");
    ready = false;
    worker.onmessage = (e) => {
      if (e.data && e.data.type === "ready") {
        ready = true;
        queue.forEach((m) => worker.postMessage(m.msg, m.transfer));
        queue = [];
        return;
      }
      note("worker: " + (e.data && e.data.type));
      if (listener) listener(JSON.stringify(e.data));
    };
    worker.onerror = (e) => {
      const msg = "The file reader stopped unexpectedly" + (e && e.message ? ": " + e.message : "") + ". Press Check again to retry.";
      worker.terminate();
      worker = null;
      if (listener) listener(JSON.stringify({ type: "crash", message: msg }));
    };
  }

  function post(msg, transfer) {
    note("post: " + msg.type + (ready ? "" : " (queued)"));
    if (!worker) start();
    if (ready) worker.postMessage(msg, transfer || []);
    else queue.push({ msg, transfer });
  }

  window.casegate = {
    // check reads the chosen files and checks them in the worker; onMessage
    // receives JSON strings: {type: progress|result|error|crash, ...}.
    check(inputId, requestJSON, onMessage) {
      listener = onMessage;
      const input = document.getElementById(inputId);
      const files = input && input.files ? Array.from(input.files) : [];
      if (files.length === 0) {
        onMessage(JSON.stringify({ type: "error", message: "Choose a file first." }));
        return;
      }
      Promise.all(files.map((f) => f.arrayBuffer().then((b) => ({ name: f.name, data: new Uint8Array(b) }))))
        .then((list) => {
          const msg = { type: "check", request: requestJSON, files: list };
          post(msg, list.map((f) => f.data.buffer));
        })
        .catch((err) => onMessage(JSON.stringify({ type: "error", message: "The file could not be read: " + err })));
    },
    // recheck re-runs the engine on edited tables (JSON) in the worker.
    recheck(requestJSON, onMessage) {
      listener = onMessage;
      post({ type: "recheck", request: requestJSON });
    },
    // api calls the server; cb(status, text). status 0 means no network.
    api(method, url, body, headersJSON, cb) {
      const headers = Object.assign({ "Content-Type": "application/json" }, JSON.parse(headersJSON || "{}"));
      fetch(url, { method, headers, body: body || undefined, credentials: "same-origin" })
        .then((r) => r.text().then((t) => cb(r.status, t)))
        .catch(() => cb(0, ""));
    },
    fileNames(inputId) {
      const input = document.getElementById(inputId);
      return input && input.files ? Array.from(input.files).map((f) => f.name).join(", ") : "";
    },
    newKey() {
      return (crypto.randomUUID && crypto.randomUUID()) || String(Date.now()) + Math.random();
    },
  };
})();
window.casegate.download = function (name, text) {
  const a = document.createElement("a");
  a.href = URL.createObjectURL(new Blob(["\ufeff" + text], { type: "text/csv;charset=utf-8" }));
  a.download = name;
  document.body.appendChild(a);
  a.click();
  setTimeout(() => { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
};
