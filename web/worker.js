// The reader worker: a small Go wasm program (app/worker) that reads and
// checks files off the page's thread, so the page never freezes.
importScripts("/web/wasm_exec.js");
const go = new Go();
const pending = [];
self.onmessage = (e) => pending.push(e.data); // until Go takes over
WebAssembly.instantiateStreaming(fetch("/web/worker.wasm"), go.importObject)
  .then((r) => {
    // Results carry the worker's wasm memory, for the benchmark.
    const post = self.postMessage.bind(self);
    self.postMessage = (m, t) => {
      if (m && m.type === "result") m.memory = r.instance.exports.mem.buffer.byteLength;
      post(m, t);
    };
    go.run(r.instance);
    // main.go replaced self.onmessage; hand it what came early.
    pending.forEach((m) => self.onmessage({ data: m }));
    self.postMessage({ type: "ready" });
  })
  .catch((err) => self.postMessage({ type: "crash", message: "The file reader could not start: " + err }));
