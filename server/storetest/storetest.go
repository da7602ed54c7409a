// Package storetest gives tests a fresh PostgreSQL database when
// CASEGATE_TEST_POSTGRES names a server (.ci/run starts one), so every store
// and end-to-end test runs on PostgreSQL as well as SQLite.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // the pgx database/sql driver
)

// EnvVar names the admin DSN of the test PostgreSQL server.
const EnvVar = "CASEGATE_TEST_POSTGRES"

// PostgresDSN creates a database for this test and returns its DSN; the
// database is dropped when the test ends. Without a server it skips the
// test, except under CI (CASEGATE_CI set), where a missing server fails it.
func PostgresDSN(t testing.TB) string {
	t.Helper()
	admin := os.Getenv(EnvVar)
	if admin == "" {
		if os.Getenv("CASEGATE_CI") != "" {
			t.Fatalf("%s is not set under CI: .ci/postgres did not start PostgreSQL", EnvVar)
		}
		t.Skipf("PostgreSQL tests need %s (set by .ci/run)", EnvVar)
	}
	db, err := sql.Open("pgx", admin)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var b [6]byte
	_, _ = rand.Read(b[:])
	name := "casegate_test_" + hex.EncodeToString(b[:])
	ctx := context.Background()
	if _, err := db.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		db, err := sql.Open("pgx", admin)
		if err != nil {
			return
		}
		defer db.Close()
		_, _ = db.ExecContext(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
	})
	u, err := url.Parse(admin)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	return u.String()
}
