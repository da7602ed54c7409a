// The reader worker: a small Go wasm program (app/worker) that reads and
// checks files off the page's thread, so the page never freezes.
importScripts("/web/wasm_exec.js");
const go = new Go();
let saveKey = ""; // where the page keeps its working import (casegate.js)

// keep stores the tables as read under key, in the page's IndexedDB store
// (a copy: the tables move to the page before the store is open).
function keep(key, moving) {
  const tables = moving.slice();
  const r = indexedDB.open("casegate", 1);
  r.onupgradeneeded = () => r.result.createObjectStore("kv");
  r.onsuccess = () => {
    const tx = r.result.transaction("kv", "readwrite");
    tx.objectStore("kv").put({ tables, saved: Date.now() }, key);
    tx.oncomplete = () => r.result.close();
  };
}
const pending = [];
self.onmessage = (e) => pending.push(e.data); // until Go takes over
WebAssembly.instantiateStreaming(fetch("/web/worker.wasm"), go.importObject)
  .then((r) => {
    // Results carry the worker's wasm memory, for the benchmark; a check's
    // tables are kept in IndexedDB here, off the page's thread (cloning tens
    // of MB held the page for ~100 ms), before they move to the page.
    const post = self.postMessage.bind(self);
    self.postMessage = (m, t) => {
      if (m && (m.type === "result" || m.type === "idle")) {
        m.memory = r.instance.exports.mem.buffer.byteLength;
        if (m.tables && saveKey) keep(saveKey, m.tables);
      }
      post(m, t);
    };
    go.run(r.instance);
    const handle = self.onmessage; // main.go's
    self.onmessage = (e) => {
      if (e.data && e.data.type === "check") saveKey = e.data.save_key || "";
      handle(e);
    };
    // main.go replaced self.onmessage; hand it what came early.
    pending.forEach((m) => self.onmessage({ data: m }));
    self.postMessage({ type: "ready" });
  })
  .catch((err) => self.postMessage({ type: "crash", message: "The file reader could not start: " + err }));
