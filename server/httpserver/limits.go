package httpserver

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"casegate/shared/api"
	"casegate/shared/engine"
	"casegate/shared/model"
	"casegate/shared/sheet"
)

// checkTables holds tables sent as JSON to the limits files are read with
// (rows, columns), refuses invalid UTF-8 instead of letting the decoder
// repair it silently, and refuses NUL characters, which no file the
// readers accept carries and PostgreSQL cannot store. Found by the
// reliability suite (server/reliability): a JSON body of 16,384 columns or
// 100,001 rows was checked and committed, invalid bytes became U+FFFD.
// resolve returns a check or commit request's tables (either form, with its
// edits), within the limits.
func resolve(body []byte, req *api.CheckRequest) ([]engine.Table, error) {
	if !utf8.Valid(body) {
		return nil, model.Errorf(model.EInvalid, "The request body is not valid UTF-8.")
	}
	lim := sheet.DefaultLimits()
	for _, e := range req.Edits {
		if e.Col < 0 || e.Col >= lim.MaxCols {
			return nil, model.Errorf(model.EInvalid, "%s: an edit of row %d is in column %d, outside the table.", e.File, e.Row, e.Col+1)
		}
		if err := noNUL(e.File, e.Row, []string{e.Value}); err != nil {
			return nil, err
		}
	}
	tables, err := req.Resolve()
	if err != nil {
		return nil, err
	}
	if err := checkTables(body, req.Tables); err != nil {
		return nil, err
	}
	return tables, nil
}

func checkTables(body []byte, tables []api.Table) error {
	if !utf8.Valid(body) {
		return model.Errorf(model.EInvalid, "The request body is not valid UTF-8.")
	}
	lim := sheet.DefaultLimits()
	rows := 0
	for _, t := range tables {
		if len(t.Header) > lim.MaxCols {
			return model.Errorf(model.ETooLarge, "%s: the header has %d columns; the limit is %d.", t.File, len(t.Header), lim.MaxCols)
		}
		if err := noNUL(t.File, 0, t.Header); err != nil {
			return err
		}
		rows += len(t.Rows)
		if rows > lim.MaxRows {
			return model.Errorf(model.ETooLarge, "%s: the batch has more than %d rows; the limit is %d.", t.File, lim.MaxRows, lim.MaxRows)
		}
		for _, r := range t.Rows {
			if len(r.Cells) > lim.MaxCols {
				return model.Errorf(model.ETooLarge, "%s: row %d has %d columns; the limit is %d.", t.File, r.Num, len(r.Cells), lim.MaxCols)
			}
			if err := noNUL(t.File, r.Num, r.Cells); err != nil {
				return err
			}
		}
	}
	return nil
}

func noNUL(file string, row int, cells []string) error {
	for i, c := range cells {
		if strings.IndexByte(c, 0) >= 0 {
			where := "the header"
			if row > 0 {
				where = "row " + strconv.Itoa(row)
			}
			return model.Errorf(model.EInvalid, "%s: %s, column %s holds a NUL character.", file, where, sheet.ColName(i+1))
		}
	}
	return nil
}
