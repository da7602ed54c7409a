//go:build js && wasm

package main

import (
	"syscall/js"

	"casegate/shared/sheet"
)

// A check's tables go to the page as one Uint8Array of ~1.2× a csv's size
// (22 MB at 100k rows). Made at the answer, that array's first writes
// were page faults (~8 µs a 4 KiB page here: ~60 ms at 100k rows, against
// ~1 ms to copy into memory already written), and sizing it exactly was a
// pass over every cell (~40 ms). So the array is made and written once when
// a file is chosen (prepare), at an estimate, and grows if the tables turn
// out bigger.

// roomFor estimates the tables' form of a file: a csv's cells are its text
// with a length before each (1.18× at 100k rows: text decoded from a
// one-byte encoding grows), a workbook's shared strings are written out in
// every cell (2.2–2.3× the zip at 1k–100k rows).
func roomFor(name string, size int64) int64 {
	if isWorkbook(name) {
		return size * 5 / 2
	}
	return size*5/4 + 4<<10
}

// eachFile calls f with the name and size of each file of a message that
// is within the reader's size limit: nothing is made ready for a file the
// reader refuses (a 1 GB file chosen would have reserved 1 GiB).
func eachFile(files js.Value, f func(name string, size int64)) {
	if files.Type() != js.TypeObject {
		return
	}
	most := sheet.DefaultLimits().MaxBytes
	for i := 0; i < files.Length(); i++ {
		file := files.Index(i)
		size := file.Get("size")
		if d := file.Get("data"); d.Truthy() {
			size = d.Get("length")
		}
		if size.Type() == js.TypeNumber && int64(size.Float()) <= most {
			f(file.Get("name").String(), int64(size.Float()))
		}
	}
}

// verdictRoomFor estimates the verdicts' form of a file's rows: ~65 bytes
// a row with an issue, ~190 bytes a row of csv, ~100 of a workbook's zip.
func verdictRoomFor(name string, size int64) int64 {
	if isWorkbook(name) {
		return size * 2 / 3
	}
	return size*2/5 + 4<<10
}

// rooms are the arrays a file's choice made ready for its answer's tables
// and verdicts, or undefined: each is used by one answer (it moves to the
// page with it).
var rooms = [2]js.Value{js.Undefined(), js.Undefined()}

// makeRooms makes the arrays for the chosen files' answer and writes every
// page of them once.
func makeRooms(files js.Value) {
	var n [2]int64
	eachFile(files, func(name string, size int64) {
		n[0] += roomFor(name, size)
		n[1] += verdictRoomFor(name, size)
	})
	for i := range rooms {
		rooms[i] = js.Undefined()
		if n[i] > 0 {
			rooms[i] = js.Global().Get("Uint8Array").New(n[i])
			rooms[i].Call("fill", 1) // (0 may be skipped: fresh memory reads as zeros already)
		}
	}
}

// takeRoom is the array made ready for the tables (0) or verdicts (1) of
// files if there is one, or a new one of their estimate's size.
func takeRoom(i int, files js.Value) js.Value {
	r := rooms[i]
	rooms[i] = js.Undefined()
	if r.IsUndefined() {
		estimate := roomFor
		if i == 1 {
			estimate = verdictRoomFor
		}
		var n int64
		eachFile(files, func(name string, size int64) { n += estimate(name, size) })
		r = js.Global().Get("Uint8Array").New(n)
	}
	return r
}

// jsWriter writes bytes into a Uint8Array from its start, growing it when
// they do not fit.
type jsWriter struct {
	buf  js.Value
	off  int
	need func() int // the size to grow to when the estimate was short
}

func (w *jsWriter) write(b []byte) {
	if w.off+len(b) > w.buf.Length() {
		bigger := js.Global().Get("Uint8Array").New(max(w.need(), w.off+len(b)))
		bigger.Call("set", w.buf.Call("subarray", 0, w.off))
		w.buf = bigger
	}
	js.CopyBytesToJS(w.buf.Call("subarray", w.off, w.off+len(b)), b)
	w.off += len(b)
}

// bytes is what was written. With cut, an estimate well over it is cut to
// size (a copy): the page keeps the tables for as long as the import is
// open.
func (w *jsWriter) bytes(cut bool) js.Value {
	if cut && w.buf.Length()-w.off > w.off/8 {
		return w.buf.Call("slice", 0, w.off)
	}
	return w.buf.Call("subarray", 0, w.off)
}
