package store_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"casegate/server/store"
	"casegate/server/storetest"
	"casegate/shared/model"
)

// benchCases returns n cases shaped like an import's: 20 properties each.
func benchCases(n int, prefix string) []model.Case {
	out := make([]model.Case, n)
	for i := range out {
		props := make(map[string]string, 20)
		for p := 0; p < 20; p++ {
			props[fmt.Sprintf("prop_%02d", p)] = fmt.Sprintf("value %d of row %d", p, i)
		}
		out[i] = model.Case{CaseID: fmt.Sprintf("%s%032x", prefix, i), CaseType: "household", ExternalID: fmt.Sprintf("ext-%d", i),
			Name: fmt.Sprintf("Household %d", i), OwnerID: "owner1", DateOpened: "2025-01-01", ModifiedOn: "2025-01-01T00:00:00Z",
			Properties: props}
	}
	return out
}

// benchDBs yields SQLite, and PostgreSQL when CASEGATE_TEST_POSTGRES is set.
func benchDBs(b *testing.B, fn func(b *testing.B, open func() *store.Store)) {
	b.Run("sqlite", func(b *testing.B) {
		fn(b, func() *store.Store {
			s, err := store.Open(context.Background(), filepath.Join(b.TempDir(), "b.db"))
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { s.Close() })
			return s
		})
	})
	b.Run("postgres", func(b *testing.B) {
		if os.Getenv(storetest.EnvVar) == "" {
			b.Skip("no PostgreSQL")
		}
		fn(b, func() *store.Store {
			s, err := store.Open(context.Background(), storetest.PostgresDSN(b))
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { s.Close() })
			return s
		})
	})
}

// BenchmarkInsertCases inserts 1k/10k/100k cases in one transaction
// ("store"), next to the floor: the same rows, encoded the same way, into a
// table with the same columns and no keys or indexes, 200 rows a statement
// ("bare").
func BenchmarkInsertCases(b *testing.B) {
	benchDBs(b, func(b *testing.B, open func() *store.Store) {
		for _, n := range []int{1000, 10000, 100000} {
			cs := benchCases(n, "")
			b.Run(fmt.Sprintf("store/%dk", n/1000), func(b *testing.B) {
				s := open()
				ctx := context.Background()
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					dom := fmt.Sprintf("d%d", i)
					if err := s.Tx(ctx, func(tx *sql.Tx) error { return s.InsertCases(ctx, tx, dom, cs) }); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "rows/s")
			})
			b.Run(fmt.Sprintf("bare/%dk", n/1000), func(b *testing.B) {
				s := open()
				ctx := context.Background()
				if _, err := s.DB().ExecContext(ctx, `CREATE TABLE bare (domain TEXT, case_id TEXT, case_type TEXT, external_id TEXT, name TEXT,
					owner_id TEXT, closed INTEGER, date_opened TEXT, modified_on TEXT, properties TEXT, parent_case_id TEXT,
					parent_case_type TEXT, parent_relationship TEXT, parent_identifier TEXT)`); err != nil {
					b.Fatal(err)
				}
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					if err := s.Tx(ctx, func(tx *sql.Tx) error { return bareInsert(ctx, tx, s.Dialect(), cs) }); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "rows/s")
			})
		}
	})
}

func bareInsert(ctx context.Context, tx *sql.Tx, dialect string, cs []model.Case) error {
	const per = 200
	stmts := map[int]*sql.Stmt{}
	defer func() {
		for _, st := range stmts {
			st.Close()
		}
	}()
	for i := 0; i < len(cs); i += per {
		part := cs[i:min(i+per, len(cs))]
		st := stmts[len(part)]
		if st == nil {
			var q strings.Builder
			q.WriteString("INSERT INTO bare VALUES ")
			for j := range part {
				if j > 0 {
					q.WriteString(", ")
				}
				q.WriteString("(")
				for k := 0; k < 14; k++ {
					if k > 0 {
						q.WriteString(", ")
					}
					if dialect == "sqlite" {
						q.WriteString("?")
					} else {
						fmt.Fprintf(&q, "$%d", j*14+k+1)
					}
				}
				q.WriteString(")")
			}
			var err error
			if st, err = tx.PrepareContext(ctx, q.String()); err != nil {
				return err
			}
			stmts[len(part)] = st
		}
		args := make([]any, 0, len(part)*14)
		for _, c := range part {
			props, _ := json.Marshal(c.Properties)
			args = append(args, "d", c.CaseID, c.CaseType, c.ExternalID, c.Name, c.OwnerID, 0, c.DateOpened, c.ModifiedOn, string(props), "", "", "", "")
		}
		if _, err := st.ExecContext(ctx, args...); err != nil {
			return err
		}
	}
	return nil
}
