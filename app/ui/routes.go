package ui

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// Register declares the routes; the browser and the server (which
// pre-renders pages and 404s routes it does not know) both call it.
func Register() {
	app.Route("/", func() app.Composer { return &homePage{} })
	app.Route("/login", func() app.Composer { return &loginPage{} })
	app.Route("/import", func() app.Composer { return &importPage{} })
	app.Route("/history", func() app.Composer { return &historyPage{} })
	app.Route("/case-types", func() app.Composer { return &caseTypesPage{} })
}

// Handler is the go-app handler the server mounts. No resource comes from
// the internet (the default icon would, which breaks offline use).
func Handler(version string) *app.Handler {
	return &app.Handler{
		Name:            "casegate",
		ShortName:       "casegate",
		Title:           "casegate — case import assistant",
		Description:     "Check case spreadsheets before they are imported, then commit them in one click.",
		Lang:            "en",
		BackgroundColor: "#ffffff",
		ThemeColor:      "#1f4e79",
		LoadingLabel:    "Loading casegate…",
		Icon:            app.Icon{Default: "/web/icon-192.png", Large: "/web/icon-512.png", SVG: "/web/icon.svg"},
		Styles:          []string{"/web/app.css"},
		Scripts:         []string{"/web/casegate.js"},
		CacheableResources: []string{
			"/web/worker.js", "/web/worker.wasm", "/web/wasm_exec.js",
		},
		Version: version,
	}
}

// shell is the frame of every page: navigation, the page, and a live region
// that announces results to screen readers.
func shell(current string, m me, status string, body ...app.UI) app.UI {
	link := func(href, label string) app.UI {
		a := app.A().Href(href).Text(label)
		if href == current {
			a = a.Aria("current", "page").Class("current")
		}
		return app.Li().Body(a)
	}
	who := app.Text("")
	if m.Email != "" {
		who = app.Span().Class("who").Text(m.Email + " · " + m.Domain)
	}
	return app.Div().Class("shell").Body(
		app.Header().Body(
			app.A().Href("/").Class("brand").Text("casegate"),
			app.Nav().Aria("label", "Main").Body(app.Ul().Body(
				link("/import", "Import"), link("/history", "History"), link("/case-types", "Case types"),
			)),
			who,
		),
		app.Main().ID("main").Body(body...),
		app.Div().ID("status").Aria("live", "polite").Attr("role", "status").Class("status").Text(status),
	)
}
