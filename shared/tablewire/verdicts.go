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

const verdictMagic = "vw3\n"

// The fields a verdict's "=" can stand for: a file's rows repeat their
// file, sheet, action and case type, and the rows of a missing parent
// their issue's message and candidates (vw2 wrote them each time: 29 MB
// for 100,000 such rows).
const (
	refFile = iota
	refSheet
	refAction
	refCaseID
	refCaseType
	refSeverity
	refCode
	refColumn
	refValue
	refMessage
	refSuggestion
	refSlots
)

// ref writes s, or "=" when the same field of the previous verdict (or
// issue) held it.
func (w *Writer) ref(slot int, s string) {
	if w.prev[slot] == s {
		w.b = append(w.b, '=')
		return
	}
	w.prev[slot] = s
	w.str(s)
}

// ref reads what Writer.ref wrote.
func (d *decoder) ref(slot int) string {
	if d.i < len(d.s) && d.s[d.i] == '=' {
		d.i++
		return d.prev[slot]
	}
	s := d.str()
	d.prev[slot] = s
	return s
}

// EncodeVerdicts writes verdicts in the compact form (decoding 100,000 of
// them from JSON took 1.6 s on the page's thread), candidates included
// (every missing parent has one: the offer of a new case).
func EncodeVerdicts(vs []Verdict) string { return string(AppendVerdicts(nil, vs)) }

// AppendVerdicts is EncodeVerdicts appending to dst.
func AppendVerdicts(dst []byte, vs []Verdict) []byte {
	// The size, as ref will write it: a field that repeats the previous
	// one's takes a byte (the buffer is sized once; in the worker every
	// byte reserved stays reserved).
	n := len(verdictMagic) + 8
	var prev [refSlots]string
	var prevCands []model.Candidate
	field := func(slot int, s string) {
		if prev[slot] == s {
			n++
			return
		}
		prev[slot] = s
		n += 8 + len(s)
	}
	for _, v := range vs {
		n += 16
		field(refFile, v.File)
		field(refSheet, v.Sheet)
		field(refAction, v.Action)
		field(refCaseID, v.CaseID)
		field(refCaseType, v.CaseType)
		for _, is := range v.Issues {
			field(refSeverity, string(is.Severity))
			field(refCode, string(is.Code))
			field(refColumn, is.Column)
			field(refValue, is.Value)
			field(refMessage, is.Message)
			field(refSuggestion, is.Suggestion)
			if cs := is.Candidates; len(cs) > 0 && len(cs) == len(prevCands) && &cs[0] == &prevCands[0] {
				n++
				continue
			}
			prevCands = is.Candidates
			n += 8
			for _, c := range is.Candidates {
				n += 80 + len(c.CaseID) + len(c.CaseType) + len(c.ExternalID) + len(c.Name) + len(c.OwnerID) + len(c.DateOpened) + len(c.File) + len(c.Sheet)
				for k, v := range c.Properties {
					n += 16 + len(k) + len(v)
				}
			}
		}
	}
	w := &Writer{b: slices.Grow(dst, n)}
	w.b = append(w.b, verdictMagic...)
	w.num(len(vs))
	for _, v := range vs {
		w.ref(refFile, v.File)
		w.ref(refSheet, v.Sheet)
		w.num(v.Row)
		w.ref(refAction, v.Action)
		w.ref(refCaseID, v.CaseID)
		w.ref(refCaseType, v.CaseType)
		w.num(len(v.Issues))
		for _, is := range v.Issues {
			w.ref(refSeverity, string(is.Severity))
			w.ref(refCode, string(is.Code))
			w.ref(refColumn, is.Column)
			w.ref(refValue, is.Value)
			w.ref(refMessage, is.Message)
			w.ref(refSuggestion, is.Suggestion)
			// The engine shares one list among a key's rows: "=" for the
			// same list as the previous issue's.
			if cs := is.Candidates; len(cs) > 0 && len(cs) == len(w.prevCands) && &cs[0] == &w.prevCands[0] {
				w.b = append(w.b, '=')
				continue
			}
			w.prevCands = is.Candidates
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
func (d *decoder) candidates() []model.Candidate {
	n := d.count(1 << 16)
	if n == 0 || d.err != nil {
		return nil
	}
	cs := make([]model.Candidate, n)
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
		v.File, v.Sheet = d.ref(refFile), d.ref(refSheet)
		v.Row = d.num()
		v.Action, v.CaseID, v.CaseType = d.ref(refAction), d.ref(refCaseID), d.ref(refCaseType)
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
			is.Severity, is.Code = model.Severity(d.ref(refSeverity)), model.Code(d.ref(refCode))
			is.Column, is.Value = d.ref(refColumn), d.ref(refValue)
			is.Message, is.Suggestion = d.ref(refMessage), d.ref(refSuggestion)
			if d.i < len(d.s) && d.s[d.i] == '=' { // the previous issue's list
				d.i++
				is.Candidates = d.prevCands
				continue
			}
			is.Candidates = d.candidates()
			d.prevCands = is.Candidates
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
