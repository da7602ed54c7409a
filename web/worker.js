// The reader worker: a small Go wasm program (app/worker) that reads and
// checks files off the page's thread, so the page never freezes.
importScripts("/web/wasm_exec.js");
const go = new Go();
let saveKey = ""; // where the page keeps its working import (casegate.js)

// The tables of a check are kept in IndexedDB, under the page's key, so a
// reload loses nothing. main.go hands them here once the page has its
// answer: the store's copy (~0.2 s for 22 MB at 100k rows) is made off the
// page's thread and after the answer, not before it.
let store = null;
function openStore(then) {
  const r = indexedDB.open("casegate", 1);
  r.onupgradeneeded = () => r.result.createObjectStore("kv");
  r.onsuccess = () => {
    r.result.onversionchange = () => { r.result.close(); store = null; };
    then(r.result);
  };
}
self.keepTables = (tables) => {
  if (!saveKey) return;
  const key = saveKey;
  const put = (d) => d.transaction("kv", "readwrite").objectStore("kv").put({ tables, saved: Date.now() }, key);
  if (store) put(store);
  else openStore((d) => { store = d; put(d); });
};
const pending = [];
self.onmessage = (e) => pending.push(e.data); // until Go takes over
WebAssembly.instantiateStreaming(fetch("/web/worker.wasm"), go.importObject)
  .then((r) => {
    // Results carry the worker's wasm memory, for the benchmark.
    const post = self.postMessage.bind(self);
    self.postMessage = (m, t) => {
      if (m && (m.type === "result" || m.type === "idle")) m.memory = r.instance.exports.mem.buffer.byteLength;
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
