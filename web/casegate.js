// casegate's browser glue: the reader worker, fetch and IndexedDB, called
// from the Go UI (app/ui) so the page's own wasm carries neither the reader
// nor the storage code.
(function () {
  "use strict";
  let worker = null, ready = false, queue = [], listener = null;
  // The tables of the import on the page, as the worker sent them (the
  // compact form's bytes): the page decodes the rows it draws from them,
  // the commit sends them as they are, and a restarted worker gets them
  // back with the last request.
  let current = null, lastRequest = "";
  // Kept so a restarted worker (after a crash) matches parents as before.
  let indexMsg = null, casesMsg = null;
  const log = (window.casegateLog = []); // the last messages, for diagnosis
  const note = (m) => { log.push(m); if (log.length > 50) log.shift(); };
  // Messages reach the page as objects: the page reads the fields it
  // needs (the tables and verdicts are long strings in a compact form;
  // wrapping them in JSON cost the page a full decode of tens of MB).
  const say = (m) => { if (listener) listener(m); };

  function start() {
    worker = new Worker("/web/worker.js");
    ready = false;
    worker.onmessage = (e) => {
      if (e.data && e.data.type === "ready") {
        ready = true;
        note("worker: ready");
        queue.forEach((m) => worker.postMessage(m.msg, m.transfer));
        queue = [];
        return;
      }
      const m = e.data;
      note("worker: " + (m && m.type));
      if (m && m.type === "prepared") return; // (for the log: the page waits for nothing)
      if (m && m.type === "crash") stop();
      if (m && m.type === "result" && m.tables) current = m.tables;
      if (m && m.type === "need_tables" && current) { // a restarted worker
        post({ type: "recheck", request: lastRequest, tables: current });
        return;
      }
      say(m);
    };
    worker.onerror = (e) => {
      stop();
      say({ type: "crash", message: "The file reader stopped unexpectedly" + (e && e.message ? ": " + e.message : "") + ". Press Check again to retry." });
    };
    // A wasm trap or an out-of-memory kills the worker without onerror in
    // some browsers; a message that cannot be cloned lands here.
    worker.onmessageerror = () => say({ type: "crash", message: "The file reader sent an unreadable answer. Press Check again to retry." });
    if (indexMsg) queue.push({ msg: indexMsg });
    if (casesMsg) queue.push({ msg: casesMsg });
  }

  function stop() {
    if (worker) worker.terminate();
    worker = null;
    ready = false;
    queue = [];
  }

  function post(msg, transfer) {
    note("post: " + msg.type + (ready ? "" : " (queued)"));
    if (!worker) start();
    if (ready) worker.postMessage(msg, transfer || []);
    else queue.push({ msg, transfer });
  }

  // The worker starts when a file is chosen (or dropped on the input), not
  // when Check is pressed, and makes the memory the file's check will take
  // ready ("prepare"): its start, warm-up and memory then overlap the
  // person choosing the case type and pressing Check.
  document.addEventListener("change", (e) => {
    const t = e.target;
    if (t && t.id === "file-input" && t.files && t.files.length > 0) {
      post({ type: "prepare", files: Array.from(t.files, (f) => ({ name: f.name, size: f.size })) });
    }
  });

  // A spreadsheet dropped anywhere on the import page is the file chosen:
  // it goes into the file input (whose "change" starts the worker above).
  // Dropped on a file input itself (the case export's), it is that input's.
  // Elsewhere a dropped file does nothing: the browser would open it in
  // place of the app, and the work on the page with it.
  const dragsFiles = (e) => e.dataTransfer && Array.from(e.dataTransfer.types || []).includes("Files");
  const ownInput = (e) => e.target && e.target.tagName === "INPUT" && e.target.type === "file";
  document.addEventListener("dragover", (e) => {
    if (!dragsFiles(e) || ownInput(e)) return;
    e.preventDefault(); // (a drop is allowed only where dragover was cancelled)
    const here = !!document.getElementById("file-input");
    e.dataTransfer.dropEffect = here ? "copy" : "none";
    document.body.classList.toggle("dropping", here);
  });
  document.addEventListener("dragleave", (e) => {
    if (!e.relatedTarget) document.body.classList.remove("dropping"); // left the window
  });
  document.addEventListener("drop", (e) => {
    document.body.classList.remove("dropping");
    if (!dragsFiles(e) || ownInput(e)) return;
    e.preventDefault();
    const input = document.getElementById("file-input");
    if (!input || e.dataTransfer.files.length === 0) return;
    input.files = e.dataTransfer.files;
    input.dispatchEvent(new Event("change", { bubbles: true }));
    input.focus();
  });

  function readFiles(inputId) {
    const input = document.getElementById(inputId);
    const files = input && input.files ? Array.from(input.files) : [];
    return Promise.all(files.map((f) => f.arrayBuffer().then((b) => ({ name: f.name, data: new Uint8Array(b) }))));
  }

  // A tiny key-value store in IndexedDB: the case index and the working
  // import are too large for localStorage's 5 MB.
  let dbp = null;
  function db() {
    if (!dbp) {
      dbp = new Promise((ok, ko) => {
        const r = indexedDB.open("casegate", 1);
        r.onupgradeneeded = () => r.result.createObjectStore("kv");
        r.onsuccess = () => ok(r.result);
        r.onerror = () => ko(r.error);
      });
    }
    return dbp;
  }
  function tx(mode, f) {
    return db().then((d) => new Promise((ok, ko) => {
      const t = d.transaction("kv", mode);
      const r = f(t.objectStore("kv"));
      t.oncomplete = () => ok(r && r.result);
      t.onerror = () => ko(t.error);
      t.onabort = () => ko(t.error);
    }));
  }

  // A check's tables are kept in IndexedDB under the page's key by the
  // worker (web/worker.js), off the page's thread. The request, with every
  // edit and choice, is kept by the page in localStorage, synchronously, so
  // a reload never loses the last edit.

  // The review grid is redrawn as one piece of HTML (app/ui renderGrid),
  // which drops the keyboard focus with the old cells: it goes back to the
  // cell or button of the same id, unless the person moved it elsewhere.
  let gridFocus = "";
  document.addEventListener("focusin", (e) => {
    const t = e.target;
    gridFocus = t && t.id && t.closest && t.closest("#grid") ? t.id : "";
  });
  document.addEventListener("focusout", (e) => {
    const t = e.target;
    queueMicrotask(() => { if (t.isConnected && document.activeElement !== t) gridFocus = ""; });
  });
  new MutationObserver(() => {
    const a = document.activeElement;
    if (!gridFocus || (a && a !== document.body)) return;
    // A closed cell editor (edit-cell-…) gives the focus back to its cell.
    const el = document.getElementById(gridFocus) || document.getElementById(gridFocus.replace(/^edit-/, ""));
    if (el) el.focus();
  }).observe(document.documentElement, { childList: true, subtree: true });

  // withTables is a request (JSON) with the import's tables added as
  // tables_wire, or null (cb told why) when there are none.
  function withTables(requestJSON, cb) {
    if (!current) { cb(-1, "The import's tables are gone; press Check again."); return null; }
    try {
      const r = JSON.parse(requestJSON);
      r.tables_wire = new TextDecoder().decode(current);
      return JSON.stringify(r);
    } catch (e) { cb(-1, "The batch could not be prepared: " + e); return null; }
  }

  function save(name, blob) {
    const a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = name;
    document.body.appendChild(a);
    a.click();
    setTimeout(() => { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
  }

  window.casegate = {
    // check reads the chosen files and checks them in the worker; onMessage
    // receives JSON strings: {type: progress|result|error|crash, ...}.
    // saveKey, when set, names where the working import is kept (IndexedDB)
    // so it survives a reload.
    check(inputId, requestJSON, onMessage, saveKey) {
      listener = onMessage;
      readFiles(inputId)
        .then((list) => {
          if (list.length === 0) {
            onMessage({ type: "error", message: "Choose a file first." });
            return;
          }
          lastRequest = requestJSON;
          const msg = { type: "check", request: requestJSON, files: list, save_key: saveKey || "" };
          post(msg, list.map((f) => f.data.buffer));
        })
        .catch((err) => onMessage({ type: "error", message: "The file could not be read: " + err }));
    },
    // recheck re-runs the engine on edited tables (JSON) in the worker.
    recheck(requestJSON, onMessage) {
      listener = onMessage;
      lastRequest = requestJSON;
      post({ type: "recheck", request: requestJSON });
    },
    // rowBytes is the bytes of the tables from start to end (Index.Starts),
    // copied out by the page to decode one row.
    rowBytes(start, end) { return current ? current.subarray(start, end) : new Uint8Array(0); },
    // apiTables is api with the tables of the import in the body, as
    // tables_wire (the compact form the worker sent).
    apiTables(method, url, requestJSON, headersJSON, cb) {
      const body = withTables(requestJSON, cb);
      if (body !== null) this.api(method, url, body, headersJSON, cb);
    },
    // downloadTables posts the request with the tables to url and saves the
    // answer (a file) as name; cb(status, error text) once done.
    downloadTables(url, requestJSON, name, cb) {
      const body = withTables(requestJSON, cb);
      if (body === null) return;
      fetch(url, { method: "POST", headers: { "Content-Type": "application/json" }, body, credentials: "same-origin" })
        .then((r) => (r.ok ? r.blob().then((b) => { save(name, b); cb(r.status, ""); }) : r.text().then((t) => cb(r.status, t))))
        .catch(() => cb(0, ""));
    },
    // restore re-checks the tables kept under saveKey with the page's
    // request; onMessage gets the worker's answers, or {type: "restore"}
    // when nothing was kept.
    restore(saveKey, requestJSON, onMessage) {
      tx("readonly", (s) => s.get(saveKey))
        .then((w) => {
          if (!w || !w.tables) { onMessage({ type: "restore", found: false }); return; }
          listener = onMessage;
          lastRequest = requestJSON;
          post({ type: "recheck", request: requestJSON, tables: w.tables, send_tables: true });
        })
        .catch(() => onMessage({ type: "restore", found: false }));
    },
    // forget drops the working import kept under saveKey.
    forget(saveKey) { tx("readwrite", (s) => s.delete(saveKey)).catch(() => {}); },
    // setIndex hands the worker the case index (JSON of api.CaseIndex).
    // It answers "count|generated", or "" when the index is unreadable.
    setIndex(indexJSON) {
      let ix;
      try { ix = JSON.parse(indexJSON); } catch (e) { return ""; }
      if (!ix || !Array.isArray(ix.cases)) return "";
      indexMsg = { type: "index", index: indexJSON };
      if (worker) post(indexMsg);
      return ix.cases.length + "|" + (ix.generated || "");
    },
    // loadCases reads a case export into the worker for parent matching;
    // onMessage gets {type: "cases", count, files} or {type: "cases", error}.
    // errors asks the worker for the error csv of the last check;
    // onMessage gets {type: "errors", csv}.
    errors(onMessage) {
      listener = onMessage;
      post({ type: "errors" });
    },
    loadCases(inputId, onMessage) {
      listener = onMessage;
      readFiles(inputId)
        .then((list) => {
          if (list.length === 0) return;
          casesMsg = { type: "cases", files: list }; // copied, not moved: kept for a restart
          post(casesMsg);
        })
        .catch((err) => onMessage({ type: "cases", error: "The file could not be read: " + err }));
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
      if (crypto.randomUUID) return crypto.randomUUID();
      const b = crypto.getRandomValues(new Uint8Array(16));
      b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
      const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
      return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
    },
    online() { return navigator.onLine !== false; },
    // afterPaint calls cb once the next frame is drawn.
    afterPaint(cb) { requestAnimationFrame(() => setTimeout(cb, 0)); },
    // whenOnline calls cb once, when the browser says the network is back.
    whenOnline(cb) {
      const f = () => { window.removeEventListener("online", f); cb(); };
      window.addEventListener("online", f);
    },
    // put and get keep strings in IndexedDB; cb(ok) and cb(text or "").
    put(key, text, cb) {
      tx("readwrite", (s) => (text === "" ? s.delete(key) : s.put(text, key)))
        .then(() => cb && cb(true))
        .catch((e) => { note("idb put: " + e); cb && cb(false); });
    },
    get(key, cb) {
      tx("readonly", (s) => s.get(key))
        .then((v) => cb(typeof v === "string" ? v : ""))
        .catch((e) => { note("idb get: " + e); cb(""); });
    },
    download(name, text) { save(name, new Blob(["\ufeff" + text], { type: "text/csv;charset=utf-8" })); },
  };
})();
