// Package address parses and checks postal addresses written in one
// spreadsheet cell as "Street, City, State/Province, Zip/Postal code,
// Country", left to right, with missing parts kept as empty commas
// (",Denver,CO,80202") and trailing ones allowed to be left off.
//
// It knows countries (ISO alpha-2 and alpha-3 codes, English names and
// common aliases), their subdivisions where addresses use them (names or
// codes, any case, accents ignored), postal code formats, and for US, CA,
// MX, IN and BR whether a postal code belongs to the subdivision given.
//
// The country data is generated from github.com/bojanz/address by
// internal/gen into zz_data.go: importing that module directly would link
// net/http into the browser's wasm (+1.9 MB). Everything else (aliases,
// postal prefix rules, the accent fold) is hand-written in this package.
package address

//go:generate go run ./internal/gen

// country is one generated row. regions and local are "CODE=Name|…" so the
// generated file stays small; they are indexed on first use.
type country struct {
	name           string
	alpha3         string
	postal         string // regexp without anchors; "" = no known format
	postalRequired bool
	regions        string // English (Latin) names
	local          string // local-script names, where bojanz has them
}
