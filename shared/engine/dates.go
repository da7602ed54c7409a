package engine

import (
	"strings"

	"casegate/shared/casetype"
	"casegate/shared/model"
	"casegate/shared/sheet"
	"casegate/shared/value"
)

// dateColumn is the day/month order decided for one date column.
type dateColumn struct {
	order     value.DateOrder
	ambiguous bool // no value in the column tells the order, and none was given
	date1904  bool
}

func isDateColumn(col *column) bool {
	if col.kind == "ignore" || col.kind == "parent_ref" {
		return false
	}
	if col.hasDef {
		return col.def.Kind == casetype.KindDate && col.def.DateFormat == ""
	}
	return col.kind == "field" && col.field == "date_opened"
}

// dateOrders decides each date column's order: the column's own setting,
// else the spec's, else inferred from all its values (a first part over 12
// proves day-first). A column that proves neither is read month-first, as
// CommCare does, and each value that could be read both ways gets a warning.
func (c *checker) dateOrders(t *Table, cols []column, ct casetype.CaseType) map[int]dateColumn {
	out := map[int]dateColumn{}
	for i := range cols {
		col := &cols[i]
		if !isDateColumn(col) {
			continue
		}
		dc := dateColumn{date1904: t.Date1904}
		switch {
		case col.dateOrder != "":
			dc.order = value.DateOrder(col.dateOrder)
		case c.sp.DateOrder != "":
			dc.order = value.DateOrder(c.sp.DateOrder)
		default:
			var e value.OrderEvidence
			for _, r := range t.Rows {
				if col.index < r.Len() && r.Kind(col.index) != sheet.KindDate {
					e.Add(r.Text(col.index))
				}
			}
			order, ambiguous, conflict := e.Result()
			switch {
			case conflict:
				dc.order = "" // each value is read on its own; ambiguous ones are flagged
				dc.ambiguous = true
			case ambiguous || order == "":
				dc.order, dc.ambiguous = "mdy", true
			default:
				dc.order = order
			}
		}
		out[col.index] = dc
	}
	return out
}

// parseDate reads a date cell into ISO form.
func (c *checker) parseDate(r *rowState, col *column, cell sheet.Cell, v string, dates map[int]dateColumn) (string, bool) {
	if cell.Kind == sheet.KindDate {
		return v, true
	}
	dc := dates[col.index]
	if serial, ok := value.ParseSerial(v); ok && (cell.Kind == sheet.KindNumber || serial >= 367) {
		d, err := value.FromSerial(serial, dc.date1904)
		if err != nil {
			r.errorf(model.CodeInvalidDate, col.header, v, "Column %s: %s", col.header, err.Error())
			return v, false
		}
		return d.String(), true
	}
	if col.hasDef && col.def.DateFormat != "" {
		d, err := value.ParseDateFormat(v, col.def.DateFormat)
		if err != nil {
			r.errorf(model.CodeInvalidDate, col.header, v, "Column %s: %q is not a date in the form %s.", col.header, v, col.def.DateFormat)
			return v, false
		}
		return d.String(), true
	}
	d, err := value.ParseDate(v, dc.order)
	if err != nil {
		if dc.order == "" { // a conflicting column: try month-first, flag it
			if d2, err2 := value.ParseDate(v, "mdy"); err2 == nil {
				r.warnf(model.CodeAmbiguousDate, col.header, v, "Column %s mixes day-first and month-first dates; %q was read as %s. Set the column's date order to be sure.", col.header, v, d2.String())
				return d2.String(), true
			}
		}
		r.errorf(model.CodeInvalidDate, col.header, v, "Column %s: %s.", col.header, strings.TrimSuffix(err.Error(), "."))
		return v, false
	}
	if dc.ambiguous && isAmbiguousDMY(v) {
		r.warnf(model.CodeAmbiguousDate, col.header, v, "Column %s: %q could be day-first or month-first and nothing in the column tells which; it was read as %s (month first). Set the column's date order to be sure.", col.header, v, d.String())
	}
	if len(v) == 10 && v[4] == '-' && v[7] == '-' && !d.HasTime { // read as written: 2006-01-02
		return v, true
	}
	return d.String(), true
}

// isAmbiguousDMY reports whether v reads differently day-first and month-first.
func isAmbiguousDMY(v string) bool {
	a, errA := value.ParseDate(v, "mdy")
	b, errB := value.ParseDate(v, "dmy")
	return errA == nil && errB == nil && a != b
}
