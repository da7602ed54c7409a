package tablewire

import (
	"math"
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

const verdictMagic = "vw4\n" // vw4: the issues' count follows the rows'

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

// EncodeVerdicts writes verdicts in the compact form (decoding 100,000 of
// them from JSON took 1.6 s on the page's thread), candidates included
// (every missing parent has one: the offer of a new case).
func EncodeVerdicts(vs []Verdict) string {
	var b []byte
	issues := 0
	for _, v := range vs {
		issues += len(v.Issues)
	}
	StreamVerdicts(len(vs), issues, func(i int) Verdict { return vs[i] }, 64<<10, func(p []byte) { b = append(b, p...) })
	return string(b)
}

// StreamVerdicts writes n verdicts with issues issues in all, the i-th
// made by at, handing the form to flush in chunks of about chunk bytes
// (see NewStreamWriter): the worker writes its answer without a []Verdict
// or the whole form in memory. The count of issues lets the page's reader
// make room for them at once (grown as they came, ~0.17 s of the page's
// thread at 100k rows).
func StreamVerdicts(n, issues int, at func(i int) Verdict, chunk int, flush func([]byte)) {
	w := newChunked(chunk, flush)
	w.b = append(w.b, verdictMagic...)
	w.num(n)
	w.num(issues)
	for i := range n {
		v := at(i)
		w.verdict(&v)
		w.cut()
	}
	flush(w.b)
}

// verdict writes one verdict.
func (w *Writer) verdict(v *Verdict) {
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

// candidates reads what Writer.candidates wrote (nil for none); with
// build false it only checks them and moves past.
func (d *decoder) candidates(build bool) []model.Candidate {
	n := d.count(1 << 16)
	if n == 0 || d.err != nil {
		return nil
	}
	var cs []model.Candidate
	if build {
		cs = make([]model.Candidate, n)
	}
	var c model.Candidate
	for i := 0; i < n && d.err == nil; i++ {
		c = model.Candidate{}
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
		if np > 0 && d.err == nil && build {
			c.Properties = make(map[string]string, np)
		}
		prev := ""
		for k := 0; k < np && d.err == nil; k++ {
			key, v := d.str(), d.str()
			if k > 0 && key <= prev { // one form: sorted, each name once
				d.err = errBad
			}
			if build {
				c.Properties[key] = v
			}
			prev = key
		}
		if build {
			cs[i] = c
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
	if _, err := r.Read(r.Len()); err != nil {
		return nil, err
	}
	v := r.Verdicts()
	out := make([]Verdict, v.Len())
	for i := range out {
		out[i] = v.At(i)
	}
	return out, nil
}

// Verdicts are decoded verdicts kept as the compact form and offsets into
// it. They hold no pointer but the form's own, so the page keeps 100,000
// of them without giving its collector anything to mark: as []Verdict,
// marking them held the page a quarter of a second after the review
// appeared. At makes a row's Verdict when it is drawn.
type Verdicts struct {
	s      string
	rows   []vrow
	issues []vissue
}

// span is a text of the form: s[off:off+n].
type span struct{ off, n uint32 }

type vrow struct {
	file, sheet, action, caseID, caseType span
	row                                   int
	first, n                              uint32 // its issues: issues[first:first+n]
}

type vissue struct {
	severity, code, column, value, message, suggestion span
	ptype                                              span   // the first candidate's case type
	cands                                              uint32 // where its candidate list is in s (0: none)
	ncands                                             uint32
}

func (v *Verdicts) str(sp span) string { return v.s[sp.off : sp.off+sp.n] }

// Len is how many verdicts there are (0 for nil).
func (v *Verdicts) Len() int {
	if v == nil {
		return 0
	}
	return len(v.rows)
}

// The fields of the i-th verdict.
func (v *Verdicts) File(i int) string     { return v.str(v.rows[i].file) }
func (v *Verdicts) Sheet(i int) string    { return v.str(v.rows[i].sheet) }
func (v *Verdicts) Row(i int) int         { return v.rows[i].row }
func (v *Verdicts) Action(i int) string   { return v.str(v.rows[i].action) }
func (v *Verdicts) CaseID(i int) string   { return v.str(v.rows[i].caseID) }
func (v *Verdicts) CaseType(i int) string { return v.str(v.rows[i].caseType) }
func (v *Verdicts) NumIssues(i int) int   { return int(v.rows[i].n) }

// Issue is the i-th verdict's k-th issue without its candidates (see
// Candidates): made without allocating, for scans over every row.
func (v *Verdicts) Issue(i, k int) model.Issue {
	is := &v.issues[v.rows[i].first+uint32(k)]
	return model.Issue{Severity: model.Severity(v.str(is.severity)), Code: model.Code(v.str(is.code)),
		Column: v.str(is.column), Value: v.str(is.value), Message: v.str(is.message), Suggestion: v.str(is.suggestion)}
}

// NumCandidates is how many candidates the issue lists; ParentType the
// case type of its first.
func (v *Verdicts) NumCandidates(i, k int) int {
	return int(v.issues[v.rows[i].first+uint32(k)].ncands)
}
func (v *Verdicts) ParentType(i, k int) string {
	return v.str(v.issues[v.rows[i].first+uint32(k)].ptype)
}

// Candidates decodes the issue's candidates.
func (v *Verdicts) Candidates(i, k int) []model.Candidate {
	is := &v.issues[v.rows[i].first+uint32(k)]
	if is.ncands == 0 {
		return nil
	}
	d := decoder{s: v.s, i: int(is.cands)}
	return d.candidates(true) // read once already: no error
}

// At makes the i-th verdict, issues and candidates included.
func (v *Verdicts) At(i int) Verdict {
	r := &v.rows[i]
	out := Verdict{File: v.str(r.file), Sheet: v.str(r.sheet), Row: r.row, Action: v.str(r.action),
		CaseID: v.str(r.caseID), CaseType: v.str(r.caseType)}
	if r.n > 0 {
		out.Issues = make([]model.Issue, r.n)
		for k := range out.Issues {
			out.Issues[k] = v.Issue(i, k)
			out.Issues[k].Candidates = v.Candidates(i, k)
		}
	}
	return out
}

// VerdictReader decodes the compact form a part at a time, so the page can
// draw frames between the parts (100,000 verdicts took ~120 ms at once).
type VerdictReader struct {
	d    decoder
	v    Verdicts
	next int
	prev [refSlots]span // what "=" stands for, as spans
	cand struct {       // the previous issue's list, for "="
		at, n uint32
		ptype span
	}
}

// NewVerdictReader starts reading s.
func NewVerdictReader(s string) (*VerdictReader, error) {
	if !strings.HasPrefix(s, verdictMagic) || uint64(len(s)) > math.MaxUint32 {
		return nil, errBad
	}
	r := &VerdictReader{d: decoder{s: s, i: len(verdictMagic)}}
	r.v.s = s
	r.v.rows = make([]vrow, r.d.count(1<<24))
	// Room for the issues said, as many as the text can hold (an issue is
	// at least 7 bytes): a bad count costs an append, not memory.
	r.v.issues = make([]vissue, 0, min(r.d.count(1<<24), len(s)/7))
	return r, r.d.err
}

// Len is how many verdicts there are; Done how many are read.
func (r *VerdictReader) Len() int  { return len(r.v.rows) }
func (r *VerdictReader) Done() int { return r.next }

// ref reads what Writer.ref wrote, as a span.
func (r *VerdictReader) ref(slot int) span {
	d := &r.d
	if d.i < len(d.s) && d.s[d.i] == '=' {
		d.i++
		return r.prev[slot]
	}
	off, n := d.strAt()
	sp := span{uint32(off), uint32(n)}
	r.prev[slot] = sp
	return sp
}

// Read decodes up to n more verdicts and reports whether all are read.
func (r *VerdictReader) Read(n int) (bool, error) {
	d := &r.d
	for end := min(r.next+n, len(r.v.rows)); r.next < end; r.next++ {
		v := &r.v.rows[r.next]
		v.file, v.sheet = r.ref(refFile), r.ref(refSheet)
		v.row = d.num()
		v.action, v.caseID, v.caseType = r.ref(refAction), r.ref(refCaseID), r.ref(refCaseType)
		ni := d.count(1 << 16)
		if d.err != nil {
			return false, d.err
		}
		v.first, v.n = uint32(len(r.v.issues)), uint32(ni)
		for range ni {
			var is vissue
			is.severity, is.code = r.ref(refSeverity), r.ref(refCode)
			is.column, is.value = r.ref(refColumn), r.ref(refValue)
			is.message, is.suggestion = r.ref(refMessage), r.ref(refSuggestion)
			if d.i < len(d.s) && d.s[d.i] == '=' { // the previous issue's list
				d.i++
				is.cands, is.ncands, is.ptype = r.cand.at, r.cand.n, r.cand.ptype
			} else {
				at := d.i
				// Checked here, made when drawn: the count, then the first
				// candidate's case type (its second text).
				k := decoder{s: d.s, i: at}
				if nc := k.count(1 << 16); nc > 0 && k.err == nil {
					k.str()
					off, n := k.strAt()
					is.ptype = span{uint32(off), uint32(n)}
					is.cands, is.ncands = uint32(at), uint32(nc)
				}
				d.candidates(false)
				r.cand.at, r.cand.n, r.cand.ptype = is.cands, is.ncands, is.ptype
			}
			if d.err != nil {
				return false, d.err
			}
			r.v.issues = append(r.v.issues, is)
		}
	}
	if d.err != nil {
		return false, d.err
	}
	if r.next < len(r.v.rows) {
		return false, nil
	}
	if d.i != len(d.s) {
		d.err = errBad
		return false, d.err
	}
	return true, nil
}

// Verdicts returns what is read so far.
func (r *VerdictReader) Verdicts() *Verdicts {
	v := r.v
	v.rows = v.rows[:r.next]
	return &v
}
