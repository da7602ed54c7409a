package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"casegate/server/store"
)

// userCmd is `casegate user add|key`: create a user (printing a password and
// an API key) or issue a new key. Secrets are stored hashed and shown once.
func userCmd(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || (args[0] != "add" && args[0] != "key") {
		fmt.Fprintln(stderr, "usage: casegate user add -domain D -email E [-role admin|editor|viewer] [-db DSN]\n       casegate user key -domain D -email E [-db DSN]")
		return 2
	}
	sub := args[0]
	fs := flag.NewFlagSet("user "+sub, flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg := DefaultConfig()
	db := fs.String("db", cfg.DB, "SQLite file, or postgres://… (or DATABASE_URL)")
	domain := fs.String("domain", "", "project (domain) name")
	email := fs.String("email", "", "the user's email")
	role := fs.String("role", "editor", "admin, editor or viewer")
	if err := fs.Parse(args[1:]); err != nil {
		return 2
	}
	if *domain == "" || *email == "" {
		fmt.Fprintln(stderr, "user: -domain and -email are required")
		return 2
	}
	ctx := context.Background()
	st, err := store.Open(ctx, *db)
	if err != nil {
		fmt.Fprintf(stderr, "user: open database: %v\n", err)
		return 1
	}
	defer st.Close()
	switch sub {
	case "add":
		if _, err := st.FindDomain(ctx, *domain); err != nil {
			if err := st.CreateDomain(ctx, *domain); err != nil {
				fmt.Fprintf(stderr, "user: %v\n", err)
				return 1
			}
		}
		u, pw, err := st.CreateUser(ctx, *domain, *email, *role)
		if err != nil {
			fmt.Fprintf(stderr, "user: %v\n", err)
			return 1
		}
		key, err := st.CreateAPIKey(ctx, *domain, u.ID)
		if err != nil {
			fmt.Fprintf(stderr, "user: %v\n", err)
			return 1
		}
		fmt.Fprintf(stdout, "user %s (%s) in project %s\npassword: %s\nAPI key:  %s\n(shown once; stored hashed)\n", *email, *role, *domain, pw, key)
	case "key":
		u, err := st.FindUserByEmail(ctx, *email)
		if err != nil || u.Domain != *domain {
			fmt.Fprintf(stderr, "user: no user %s in project %s\n", *email, *domain)
			return 1
		}
		key, err := st.CreateAPIKey(ctx, *domain, u.ID)
		if err != nil {
			fmt.Fprintf(stderr, "user: %v\n", err)
			return 1
		}
		fmt.Fprintf(stdout, "new API key for %s: %s\n(shown once; stored hashed)\n", *email, key)
	}
	return 0
}
