package ui

import (
	"encoding/json"
	"fmt"
	"unsafe"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// callAPI calls the server through web/casegate.js and hands the answer to
// done on the UI goroutine. status 0 means the network is down.
func callAPI(ctx app.Context, method, url string, body any, hdr map[string]string, done func(ctx app.Context, status int, body []byte)) {
	callJS(ctx, "api", method, url, body, hdr, done)
}

// callAPIWithTables is callAPI with the import's tables added to body as
// tables_wire, in JavaScript (the worker's bytes as they are: the page never
// holds all the rows). Status -1: the tables are gone (body says so).
func callAPIWithTables(ctx app.Context, method, url string, body any, hdr map[string]string, done func(ctx app.Context, status int, body []byte)) {
	callJS(ctx, "apiTables", method, url, body, hdr, done)
}

func callJS(ctx app.Context, fn, method, url string, body any, hdr map[string]string, done func(ctx app.Context, status int, body []byte)) {
	if !app.IsClient {
		return
	}
	var b string
	if body != nil {
		j, _ := json.Marshal(body)
		b = string(j)
	}
	h, _ := json.Marshal(hdr)
	var cb app.Func
	cb = app.FuncOf(func(this app.Value, args []app.Value) any {
		status, text := args[0].Int(), args[1].String()
		ctx.Dispatch(func(ctx app.Context) { done(ctx, status, []byte(text)) })
		cb.Release()
		return nil
	})
	app.Window().Get("casegate").Call(fn, method, url, b, string(h), cb)
}

// errorText turns an API answer into a sentence for the page.
func errorText(status int, body []byte) string {
	if status == 0 {
		return "The server cannot be reached (offline?)."
	}
	if status < 0 { // the page's own failure, said in body
		return string(body)
	}
	var e apiError
	if json.Unmarshal(body, &e) == nil && e.Error.Message != "" {
		return e.Error.Message
	}
	var cc struct {
		Message string `json:"message"`
	}
	if json.Unmarshal(body, &cc) == nil && cc.Message != "" {
		return cc.Message
	}
	return fmt.Sprintf("The server answered %d.", status)
}

// whoAmI loads the signed-in user, or sends the page to sign in.
func whoAmI(ctx app.Context, done func(ctx app.Context, m me)) {
	callAPI(ctx, "GET", "/api/me", nil, nil, func(ctx app.Context, status int, body []byte) {
		var m me
		if status == 200 && json.Unmarshal(body, &m) == nil {
			ctx.LocalStorage().Set("casegate.me", m)
			done(ctx, m)
			return
		}
		if status == 0 { // offline: the last user, so files can still be checked
			if err := ctx.LocalStorage().Get("casegate.me", &m); err == nil && m.Domain != "" {
				done(ctx, m)
				return
			}
		}
		ctx.Navigate("/login")
	})
}

// int32s reads an array of int32s the worker sent as bytes (little-endian,
// as typed arrays are on every browser's platform, and as wasm is).
func int32s(v app.Value) []int32 {
	if !v.Truthy() || v.Length() < 4 {
		return nil
	}
	b := make([]byte, v.Length())
	app.CopyBytesToGo(b, v)
	return unsafe.Slice((*int32)(unsafe.Pointer(unsafe.SliceData(b))), len(b)/4) // b is 8-byte aligned, and not used again
}
