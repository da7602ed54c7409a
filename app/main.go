//go:build js && wasm

// Command app is casegate's web app in the browser (web/app.wasm).
package main

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"casegate/app/ui"
)

func main() {
	ui.Register()
	app.RunWhenOnBrowser()
}
