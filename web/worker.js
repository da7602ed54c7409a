// The reader worker: a small Go wasm program (app/worker) that reads and
// checks files off the page's thread, so the page never freezes.
importScripts("/web/wasm_exec.js");
const go = new Go();
let saveKey = ""; // where the page keeps its working import (casegate.js)

// keep stores the tables as read under key, in the page's IndexedDB store,
// before they move to the page. With the store open (it is opened when the
// worker starts, as a file is chosen), put() clones them there and then;
// otherwise they are copied first (a copy of tens of MB: slower).
let store = null;
function openStore(then) {
  const r = indexedDB.open("casegate", 1);
  r.onupgradeneeded = () => r.result.createObjectStore("kv");
  r.onsuccess = () => then(r.result);
}
openStore((d) => { store = d; d.onversionchange = () => { d.close(); store = null; }; });
function keep(key, moving) {
  const put = (d, tables) => {
    const tx = d.transaction("kv", "readwrite");
    tx.objectStore("kv").put({ tables, saved: Date.now() }, key);
  };
  if (store) { put(store, moving); return; }
  const tables = moving.slice();
  openStore((d) => { put(d, tables); d.close(); });
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
