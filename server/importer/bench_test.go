package importer_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"casegate/server/importer"
	"casegate/server/store"
	"casegate/shared/engine"
	"casegate/shared/sheet"
	"casegate/shared/spec"
)

func households(n int) string {
	var b strings.Builder
	b.WriteString("external_id,name,village,members,phone\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "HH-%07d,Household %d,Village %d,%d,+254 700 %06d\n", i, i, i%50, i%9+1, i)
	}
	return b.String()
}

func openBench(b *testing.B, db string) *store.Store {
	b.Helper()
	var dsn string
	switch db {
	case "sqlite":
		dsn = filepath.Join(b.TempDir(), "bench.db")
	case "postgres":
		admin := os.Getenv("CASEGATE_TEST_POSTGRES")
		if admin == "" {
			b.Skip("CASEGATE_TEST_POSTGRES is not set")
		}
		dsn = admin
	}
	s, err := store.Open(context.Background(), dsn)
	if err != nil {
		b.Fatal(err)
	}
	_, _ = s.DB().Exec(`DELETE FROM cases`)
	_, _ = s.DB().Exec(`CREATE TABLE IF NOT EXISTS bare (domain TEXT, id TEXT, name TEXT, props TEXT)`)
	_, _ = s.DB().Exec(`DELETE FROM bare`)
	return s
}

// BenchmarkCommit times a whole server commit (re-check against the
// database, writes, change log, record) of n new households, next to a bare
// multi-row insert of the same rows into a minimal table (the floor).
func BenchmarkCommit(b *testing.B) {
	for _, db := range []string{"sqlite", "postgres"} {
		for _, n := range []int{1000, 10000, 100000} {
			body := households(n)
			book, err := sheet.Read("h.csv", []byte(body), sheet.Options{})
			if err != nil {
				b.Fatal(err)
			}
			tables, _ := engine.TablesFromBook("h.csv", book, "household", true, nil)
			b.Run(fmt.Sprintf("%s/%dk/casegate", db, n/1000), func(b *testing.B) {
				s := openBench(b, db)
				defer s.Close()
				im := &importer.Importer{Store: s}
				ctx := context.Background()
				for i := 0; i < b.N; i++ {
					b.StopTimer()
					_, _ = s.DB().Exec(`DELETE FROM cases`)
					_, _ = s.DB().Exec(`DELETE FROM changes`)
					b.StartTimer()
					res, err := im.Commit(ctx, importer.Batch{Domain: "bench", User: store.User{ID: "u", Domain: "bench"}, Tables: tables,
						Spec: spec.Spec{SearchField: "external_id", CreateNewCases: true, OnError: "halt"}, Kind: "commit", FileName: "h.csv"})
					if err != nil || res.Created != n {
						b.Fatalf("commit: %v", err)
					}
				}
				b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
			})
			b.Run(fmt.Sprintf("%s/%dk/bare", db, n/1000), func(b *testing.B) {
				s := openBench(b, db)
				defer s.Close()
				ctx := context.Background()
				for i := 0; i < b.N; i++ {
					b.StopTimer()
					_, _ = s.DB().Exec(`DELETE FROM bare`)
					b.StartTimer()
					err := s.Tx(ctx, func(tx *sql.Tx) error {
						const per = 500
						for j := 0; j < n; j += per {
							var q strings.Builder
							q.WriteString(`INSERT INTO bare (domain, id, name, props) VALUES `)
							var args []any
							for k := j; k < min(j+per, n); k++ {
								if k > j {
									q.WriteString(",")
								}
								if s.Dialect() == "sqlite" {
									q.WriteString("(?,?,?,?)")
								} else {
									fmt.Fprintf(&q, "($%d,$%d,$%d,$%d)", len(args)+1, len(args)+2, len(args)+3, len(args)+4)
								}
								args = append(args, "bench", fmt.Sprintf("%032x", k), fmt.Sprintf("Household %d", k), `{"village":"v"}`)
							}
							if _, err := tx.ExecContext(ctx, q.String(), args...); err != nil {
								return err
							}
						}
						return nil
					})
					if err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
			})
		}
	}
}
