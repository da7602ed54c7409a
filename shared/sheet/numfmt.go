package sheet

import (
	"math"
	"strconv"
	"strings"

	"casegate/shared/value"
)

type stylesXML struct {
	NumFmts []struct {
		ID   int    `xml:"numFmtId,attr"`
		Code string `xml:"formatCode,attr"`
	} `xml:"numFmts>numFmt"`
	Xfs []struct {
		NumFmtID int `xml:"numFmtId,attr"`
	} `xml:"cellXfs>xf"`
}

// fmtKind is what a cell style's number format makes of a number.
type fmtKind uint8

const (
	fmtNumber fmtKind = iota
	fmtDate
	fmtTime
)

// styleKinds reads styles.xml into one fmtKind per cell style index.
func (z *zipBook) styleKinds() ([]fmtKind, error) {
	var st stylesXML
	if _, err := z.xml("\x00styles", &st); err != nil {
		return nil, err
	}
	custom := map[int]string{}
	for _, f := range st.NumFmts {
		custom[f.ID] = f.Code
	}
	out := make([]fmtKind, len(st.Xfs))
	for i, xf := range st.Xfs {
		out[i] = formatKind(xf.NumFmtID, custom[xf.NumFmtID])
	}
	return out, nil
}

// formatKind classifies a number format: built-in ids 14–17 and 22 are
// dates, 18–21 and 45–47 times; a custom code is a date when it has date
// letters outside quotes, escapes and brackets ([Red], [$-409]); elapsed
// times ([h]:mm) stay numbers.
func formatKind(id int, code string) fmtKind {
	switch {
	case id >= 14 && id <= 17 || id == 22:
		return fmtDate
	case id >= 18 && id <= 21 || id >= 45 && id <= 47:
		return fmtTime
	case code == "":
		return fmtNumber
	}
	if i := strings.IndexByte(code, ';'); i >= 0 { // the positive section decides
		code = code[:i]
	}
	date, tm := false, false
	for i := 0; i < len(code); i++ {
		switch c := code[i]; c {
		case '"':
			j := strings.IndexByte(code[i+1:], '"')
			if j < 0 {
				return fmtNumber
			}
			i += j + 1
		case '\\', '_', '*':
			i++
		case '[':
			j := strings.IndexByte(code[i:], ']')
			if j < 0 {
				return fmtNumber
			}
			inner := strings.ToLower(code[i+1 : i+j])
			if inner == "h" || inner == "hh" || inner == "m" || inner == "mm" || inner == "s" || inner == "ss" {
				return fmtNumber // elapsed time: a duration, not a date
			}
			i += j
		case 'd', 'D', 'y', 'Y':
			date = true
		case 'm', 'M', 'h', 'H', 's', 'S':
			tm = true
		}
	}
	switch {
	case date:
		return fmtDate
	case tm:
		return fmtTime
	}
	return fmtNumber
}

// formatNumber shows a stored number as Excel does: 15 significant digits,
// no float noise (0.30000000000000004 → 0.3), plain decimals for everyday
// magnitudes and an exponent only beyond them (1E+25), as Excel's General.
func formatNumber(v string) string {
	if len(v) <= 15 && isPlainInt(v) {
		return v
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return v
	}
	r, _ := strconv.ParseFloat(strconv.FormatFloat(f, 'g', 15, 64), 64)
	if r == 0 {
		return "0"
	}
	if a := math.Abs(r); a >= 1e21 || a < 1e-15 {
		return strconv.FormatFloat(r, 'E', -1, 64)
	}
	return strconv.FormatFloat(r, 'f', -1, 64)
}

func isPlainInt(v string) bool {
	if v == "" {
		return false
	}
	i := 0
	if v[0] == '-' {
		i = 1
		if len(v) == 1 || v == "-0" {
			return false
		}
	}
	if v[i] == '0' && len(v) > i+1 {
		return false
	}
	for ; i < len(v); i++ {
		if v[i] < '0' || v[i] > '9' {
			return false
		}
	}
	return true
}

// formatDate turns a date-formatted serial into ISO text; a serial that is
// no date (negative, beyond 9999-12-31, Excel's fictitious 1900-02-29)
// stays a number, which the engine reports.
func formatDate(v string, kind fmtKind, date1904 bool) (string, Kind) {
	f, err := strconv.ParseFloat(v, 64)
	if err != nil {
		return v, KindText
	}
	if kind == fmtTime && f >= 0 && f < 1 {
		secs := int(math.Round(f * 86400))
		if secs >= 86400 {
			secs = 86399
		}
		return pad2(secs/3600) + ":" + pad2(secs/60%60) + ":" + pad2(secs%60), KindDate
	}
	// value.FromSerial is the one reading of serials (the 1900 leap-year bug,
	// the 1904 system), shared with the engine's date columns.
	d, err := value.FromSerial(f, date1904)
	if err != nil {
		return formatNumber(v), KindNumber
	}
	if !d.HasTime {
		return d.String(), KindDate
	}
	return strings.Replace(d.String(), "T", " ", 1), KindDate
}

func pad2(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}
