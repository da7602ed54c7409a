//go:build js && wasm

// Command excelizewasm is the reference reader in the browser benchmark:
// excelize's streaming Rows API, compiled to wasm, reading the same file.
package main

import (
	"bytes"
	"syscall/js"

	"github.com/xuri/excelize/v2"
)

func main() {
	js.Global().Set("excelizeRead", js.FuncOf(func(this js.Value, args []js.Value) any {
		data := make([]byte, args[0].Get("length").Int())
		js.CopyBytesToGo(data, args[0])
		f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: 1 << 30})
		if err != nil {
			return "error: " + err.Error()
		}
		defer f.Close()
		rows, err := f.Rows(f.GetSheetName(0))
		if err != nil {
			return "error: " + err.Error()
		}
		n := 0
		for rows.Next() {
			if _, err := rows.Columns(); err != nil {
				return "error: " + err.Error()
			}
			n++
		}
		return n
	}))
	js.Global().Call("postMessage", map[string]any{"type": "ready"})
	select {}
}
