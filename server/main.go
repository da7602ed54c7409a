// Command casegate is the casegate server and its tools:
//
//	casegate serve           the web app, the JSON API and the CommCare bulk upload API
//	casegate check FILE...   check spreadsheets offline, as the page does
//	casegate user add|key    manage users and API keys
//
// `go run ./server` with no command serves.
package main

import (
	"fmt"
	"io"
	"os"

	"casegate/server/checkcmd"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	cmd := "serve"
	if len(args) > 0 && len(args[0]) > 0 && args[0][0] != '-' {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "check":
		return checkcmd.Run(args, stdout, stderr)
	case "serve":
		return serve(args, stdout, stderr)
	case "user":
		return userCmd(args, stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprintln(stdout, "usage: casegate [serve|check|user] [flags]")
		return 0
	default:
		fmt.Fprintf(stderr, "casegate: unknown command %q (serve, check, user)\n", cmd)
		return 2
	}
}
