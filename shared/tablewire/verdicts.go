package tablewire

import (
	"slices"
	"strings"

	"casegate/shared/model"
)

// Verdict is one row's verdict as the page shows it: engine.RowResult
// without what a commit writes.
type Verdict struct {
	File     string        `json:"file"`
	Sheet    string        `json:"sheet"`
	Row      int           `json:"row"`
	Action   string        `json:"action"`
	CaseID   string        `json:"case_id,omitempty"`
	CaseType string        `json:"case_type"`
	Issues   []model.Issue `json:"issues,omitempty"`
}

const verdictMagic = "vw2\n"

// EncodeVerdicts writes verdicts in the compact form (decoding 100,000 of
// them from JSON took 1.6 s on the page's thread), candidates included
// (every missing parent has one: the offer of a new case).
func EncodeVerdicts(vs []Verdict) string { return string(AppendVerdicts(nil, vs)) }

// AppendVerdicts is EncodeVerdicts appending to dst.
func AppendVerdicts(dst []byte, vs []Verdict) []byte {
	n := len(verdictMagic)
	for _, v := range vs {
		n += 40 + len(v.File) + len(v.Sheet) + len(v.Action) + len(v.CaseID) + len(v.CaseType)
		for _, is := range v.Issues {
			n += 24 + len(is.Severity) + len(is.Code) + len(is.Column) + len(is.Value) + len(is.Message) + len(is.Suggestion)
			for _, c := range is.Candidates { // a missing parent's row has one: the offer of a new one
				n += 40 + len(c.CaseID) + len(c.CaseType) + len(c.ExternalID) + len(c.Name) + len(c.OwnerID) + len(c.DateOpened) + len(c.File) + len(c.Sheet)
				for k, v := range c.Properties {
					n += 8 + len(k) + len(v)
				}
			}
		}
	}
	w := &Writer{b: slices.Grow(dst, n)}
	w.b = append(w.b, verdictMagic...)
	w.num(len(vs))
	for _, v := range vs {
		w.str(v.File)
		w.str(v.Sheet)
		w.num(v.Row)
		w.str(v.Action)
		w.str(v.CaseID)
		w.str(v.CaseType)
		w.num(len(v.Issues))
		for _, is := range v.Issues {
			w.str(string(is.Severity))
			w.str(string(is.Code))
			w.str(is.Column)
			w.str(is.Value)
			w.str(is.Message)
			w.str(is.Suggestion)
			w.candidates(is.Candidates)
		}
	}
	return w.b
}

// candidates writes an issue's candidates: each one's fields, then its
// properties sorted by name (TestCandidateFields fails when
// model.Candidate grows a field not written here).
func (w *Writer) candidates(cs []model.Candidate) {
	w.num(len(cs))
	for _, c := range cs {
		for _, f := range [...]string{c.CaseID, c.CaseType, c.ExternalID, c.Name, c.OwnerID, c.DateOpened, c.File, c.Sheet} {
			w.str(f)
		}
		w.num(c.Row)
		if c.New {
			w.num(1)
		} else {
			w.num(0)
		}
		keys := make([]string, 0, len(c.Properties))
		for k := range c.Properties {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		w.num(len(keys))
		for _, k := range keys {
			w.str(k)
			w.str(c.Properties[k])
		}
	}
}

// candidates reads what Writer.candidates wrote (nil for none).
func (d *decoder) candidates() (cs []model.Candidate) {
	// A run of issues with the same candidates (the rows of a missing
	// parent share the offer of a new one) decodes once and shares the
	// list, read-only: the form is read by what it consumes alone, so the
	// same bytes read as the same list.
	if d.candRaw != "" && strings.HasPrefix(d.s[d.i:], d.candRaw) {
		d.i += len(d.candRaw)
		return d.cands
	}
	start := d.i
	n := d.count(1 << 16)
	if n == 0 || d.err != nil {
		return nil
	}
	defer func() {
		if d.err == nil {
			d.candRaw, d.cands = d.s[start:d.i], cs
		}
	}()
	cs = make([]model.Candidate, n)
	for i := range cs {
		c := &cs[i]
		c.CaseID, c.CaseType, c.ExternalID, c.Name = d.str(), d.str(), d.str(), d.str()
		c.OwnerID, c.DateOpened, c.File, c.Sheet = d.str(), d.str(), d.str(), d.str()
		c.Row = d.num()
		switch d.num() {
		case 0:
		case 1:
			c.New = true
		default:
			d.err = errBad
		}
		np := d.count(1 << 16)
		if np > 0 && d.err == nil {
			c.Properties = make(map[string]string, np)
			prev := ""
			for k := 0; k < np && d.err == nil; k++ {
				key, v := d.str(), d.str()
				if k > 0 && key <= prev { // one form: sorted, each name once
					d.err = errBad
				}
				c.Properties[key], prev = v, key
			}
		}
	}
	return cs
}

// DecodeVerdicts reads the compact form. Texts are slices of s.
func DecodeVerdicts(s string) ([]Verdict, error) {
	r, err := NewVerdictReader(s)
	if err != nil {
		return nil, err
	}
	if _, err := r.Read(len(r.vs)); err != nil {
		return nil, err
	}
	return r.Verdicts(), nil
}

// VerdictReader decodes the compact form a part at a time, so the page can
// draw frames between the parts (100,000 verdicts took ~120 ms at once).
type VerdictReader struct {
	d      decoder
	vs     []Verdict
	next   int
	issues []model.Issue // every row's issues in shared arrays
}

// NewVerdictReader starts reading s.
func NewVerdictReader(s string) (*VerdictReader, error) {
	if !strings.HasPrefix(s, verdictMagic) {
		return nil, errBad
	}
	r := &VerdictReader{d: decoder{s: s, i: len(verdictMagic)}}
	r.vs = make([]Verdict, r.d.count(1<<24))
	return r, r.d.err
}

// Len is how many verdicts there are; Done how many are read.
func (r *VerdictReader) Len() int  { return len(r.vs) }
func (r *VerdictReader) Done() int { return r.next }

// Read decodes up to n more verdicts and reports whether all are read.
func (r *VerdictReader) Read(n int) (bool, error) {
	d := &r.d
	for end := min(r.next+n, len(r.vs)); r.next < end; r.next++ {
		v := &r.vs[r.next]
		v.File, v.Sheet = d.str(), d.str()
		v.Row = d.num()
		v.Action, v.CaseID, v.CaseType = d.str(), d.str(), d.str()
		ni := d.count(1 << 16)
		if d.err != nil {
			return false, d.err
		}
		if ni == 0 {
			continue
		}
		if len(r.issues) < ni {
			r.issues = make([]model.Issue, max(ni, 16*1024))
		}
		v.Issues, r.issues = r.issues[:ni:ni], r.issues[ni:]
		for k := range v.Issues {
			is := &v.Issues[k]
			is.Severity, is.Code = model.Severity(d.str()), model.Code(d.str())
			is.Column, is.Value, is.Message, is.Suggestion = d.str(), d.str(), d.str(), d.str()
			is.Candidates = d.candidates()
		}
	}
	if d.err != nil {
		return false, d.err
	}
	if r.next < len(r.vs) {
		return false, nil
	}
	if d.i != len(d.s) {
		d.err = errBad
		return false, d.err
	}
	return true, nil
}

// Verdicts returns what is read so far.
func (r *VerdictReader) Verdicts() []Verdict { return r.vs[:r.next] }
