// Package address parses and checks postal addresses written in one cell as
// "Street, City, State/Province, Zip/Postal code, Country", left to right,
// with missing parts kept as empty commas (",Denver,CO,80202"). It knows
// countries (ISO codes, alpha-3, English names and common aliases), their
// subdivisions where addresses use them, postal code formats, and for US,
// CA, MX, IN and BR whether a postal code belongs to the subdivision given.
package address

//go:generate go run ./internal/gen

type country struct {
	name           string
	alpha3         string
	postal         string // regexp without anchors; "" = no known format
	postalRequired bool
	regions        string // "CODE=Name|CODE=Name"
}
